import { describe, it, expect } from 'vitest';
import { packageNameProblem, nameSegment, tarballPath } from '../../src/shared/package-name';
import { compareVersions, highestVersion, isValidVersion } from '../../src/shared/semver';
import { tagProblem } from '../../src/shared/tags';
import { userNameProblem } from '../../src/shared/user';

describe('package names (npm rules for new packages)', () => {
  const good = ['foo', 'foo-bar', 'foo.bar', 'foo_bar', '@sc/bar', '@s-c/b.a_r', 'a'.repeat(214)];
  const bad: Array<[string, RegExp]> = [
    ['', /needs a name/], ['Foo', /capital/], ['.foo', /starts with "\."/], ['_foo', /starts with "_"/],
    [' foo', /spaces/], ['foo bar', /not URL-safe/], ['a'.repeat(215), /longer than 214/], ['@sc', /@scope\/name/],
    ['@sc/bar/baz', /@scope\/name/], ['node_modules', /reserved/], ["foo'", /not URL-safe/], ['@sc/.bar', /part starting/],
  ];
  for (const n of good) it('accepts ' + JSON.stringify(n.slice(0, 20)), () => expect(packageNameProblem(n)).toBeNull());
  for (const [n, re] of bad) it('refuses ' + JSON.stringify(n.slice(0, 20)), () => expect(packageNameProblem(n)).toMatch(re));
  it('turns a scoped name into the one URL segment npm sends and a tarball path under it', () => {
    expect(nameSegment('@sc/bar')).toBe('@sc%2fbar');
    expect(tarballPath('@sc/bar', '1.0.0')).toBe('@sc%2fbar/-/bar-1.0.0.tgz');
    expect(tarballPath('foo', '1.0.0')).toBe('foo/-/foo-1.0.0.tgz');
  });
});

describe('semver (the part the registry needs inside CouchDB)', () => {
  it('accepts strict versions and refuses loose ones', () => {
    for (const v of ['1.0.0', '0.0.0', '1.2.3-beta.1', '1.2.3+build.5', '10.20.30-rc.1+x']) expect(isValidVersion(v)).toBe(true);
    for (const v of ['1.0', 'v1.0.0', '01.0.0', '1.0.0-', '1.0.0-01', 'latest', '']) expect(isValidVersion(v)).toBe(false);
  });
  it('orders by precedence, prereleases below their release', () => {
    const sorted = ['1.0.0', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '0.9.9', '2.0.0']
      .sort(compareVersions);
    expect(sorted).toEqual(['0.9.9', '1.0.0-alpha', '1.0.0-alpha.1', '1.0.0-beta', '1.0.0-beta.2', '1.0.0-beta.11', '1.0.0-rc.1', '1.0.0', '2.0.0']);
  });
  it('finds the highest release, or prerelease when asked', () => {
    expect(highestVersion(['1.0.0', '2.0.0-beta.1', '1.5.0'], false)).toBe('1.5.0');
    expect(highestVersion(['1.0.0', '2.0.0-beta.1'], true)).toBe('2.0.0-beta.1');
    expect(highestVersion(['2.0.0-beta.1'], false)).toBeNull();
  });
});

describe('dist-tag and user names', () => {
  it('refuses tags that look like versions or are not URL-safe', () => {
    expect(tagProblem('beta')).toBeNull();
    expect(tagProblem('1.0.0')).toMatch(/looks like a version/);
    expect(tagProblem('v2')).toMatch(/looks like a version/);
    expect(tagProblem('a b')).toMatch(/URL-safe/);
    expect(tagProblem('')).toMatch(/needs a name/);
  });
  it('refuses user names npm would not accept', () => {
    expect(userNameProblem('alice')).toBeNull();
    expect(userNameProblem('Alice')).toMatch(/lowercase/);
    expect(userNameProblem('al ice')).toMatch(/has the character U\+0020 \(a space\): user names may only use lowercase letters/);
    expect(userNameProblem('_alice')).toMatch(/cannot start/);
  });
});
