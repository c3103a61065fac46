// npm unpublish of one version and of a whole package, and what may happen to the name afterwards.
import { describe, it, expect, beforeAll } from 'vitest';
import { createRegistry, http, storedDoc, signedUp, uniqueUser, type TestRegistry } from '../support/registry';
import { NpmUser, makePackage } from '../../src/npm/client';

const A = uniqueUser('alice');
const B = uniqueUser('bob');

describe('npm unpublish', () => {
  let reg: TestRegistry;
  let alice: NpmUser;
  let bob: NpmUser;
  const stored = (name: string) => storedDoc(reg, name);
  const publish = (user: NpmUser, name: string, version: string, extra: string[] = []) =>
    user.run(['publish', '--access', 'public', ...extra], { cwd: makePackage(user.home, { name, version }) });

  beforeAll(async () => {
    reg = await createRegistry('unpublish');
    alice = await signedUp(reg.url, 'alice', A);
    bob = await signedUp(reg.url, 'bob', B);
    for (const v of ['1.0.0', '1.1.0', '2.0.0']) expect((await publish(alice, 'foo', v)).code).toBe(0);
    expect((await publish(alice, 'foo', '3.0.0-rc.1', ['--tag', 'next'])).code).toBe(0);
    for (const v of ['1.0.0', '1.1.0']) expect((await publish(alice, '@sc/bar', v)).code).toBe(0);
  });

  it('NAME@VERSION removes that version, its tarball and its tags; latest moves down; time is kept', async () => {
    const r = await alice.run(['unpublish', 'foo@2.0.0']);
    expect(r.stdout).toContain('- foo@2.0.0');
    expect(r.code).toBe(0);
    const doc = await stored('foo');
    expect(Object.keys(doc.versions).sort()).toEqual(['1.0.0', '1.1.0', '3.0.0-rc.1']);
    expect(doc['dist-tags']).toEqual({ latest: '1.1.0', next: '3.0.0-rc.1' });
    expect(Object.keys(doc._attachments).sort()).toEqual(['foo-1.0.0.tgz', 'foo-1.1.0.tgz', 'foo-3.0.0-rc.1.tgz']);
    expect(doc.time['2.0.0']).toBeTruthy();
    expect((await http(reg.url + 'foo/-/foo-2.0.0.tgz')).status).toBe(404);
  });

  it('a version number once used cannot be published again', async () => {
    const r = await publish(alice, 'foo', '2.0.0');
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('was published before and unpublished; a version number can never be reused');
  });

  it('unpublishing a tagged prerelease drops its tag', async () => {
    expect((await alice.run(['unpublish', 'foo@3.0.0-rc.1'])).code).toBe(0);
    expect((await stored('foo'))['dist-tags']).toEqual({ latest: '1.1.0' });
  });

  it('is refused for a non-maintainer, leaving the document as it was', async () => {
    const before = await stored('foo');
    const r = await bob.run(['unpublish', 'foo@1.0.0']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('You are not a maintainer of foo');
    const whole = await bob.run(['unpublish', 'foo', '--force']);
    expect(whole.code).not.toBe(0);
    expect(await stored('foo')).toEqual(before);
  });

  it('NAME --force removes a scoped package: reads give 404', async () => {
    const r = await alice.run(['unpublish', '@sc/bar', '--force']);
    expect(r.stdout).toContain('- @sc/bar');
    expect(r.code).toBe(0);
    const get = await http(reg.url + '@sc%2fbar');
    expect(get.status).toBe(404);
    expect(get.json.error).toBe('The package @sc/bar is not in this registry.');
    const view = await bob.run(['view', '@sc/bar']);
    expect(view.code).not.toBe(0);
    expect(view.output).toMatch(/404/);
  });

  it('after a whole unpublish only a former maintainer may publish the name, never with a used version', async () => {
    const stranger = await publish(bob, '@sc/bar', '5.0.0');
    expect(stranger.code).not.toBe(0);
    expect(stranger.output).toMatch(/403/);
    const reused = await publish(alice, '@sc/bar', '1.1.0');
    expect(reused.code).not.toBe(0);
    expect(reused.output).toMatch(/403/);
    const fresh = await publish(alice, '@sc/bar', '2.0.0');
    expect(fresh.code, fresh.output).toBe(0);
    const p = (await http(reg.url + '@sc%2fbar')).json;
    expect(Object.keys(p.versions)).toEqual(['2.0.0']);
    expect(p.maintainers).toEqual([{ name: A, email: 'alice@example.com' }]);
  });
});
