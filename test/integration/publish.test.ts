import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createRegistry, http, storedDoc, signedUp, uniqueUser, type TestRegistry } from '../support/registry';
import { NpmUser, makePackage, makeProject } from '../../src/npm/client';

const A = uniqueUser('alice');
const B = uniqueUser('bob');

describe('publish, view and install through npm', () => {
  let reg: TestRegistry;
  let alice: NpmUser;
  let bob: NpmUser;

  const stored = (name: string) => storedDoc(reg, name);

  beforeAll(async () => {
    reg = await createRegistry('publish');
    alice = await signedUp(reg.url, 'alice', A);
    bob = await signedUp(reg.url, 'bob', B);
  });

  it('npm publish of a new package stores it with maintainers, _npmUser, time and the tarball', async () => {
    const dir = makePackage(alice.home, { name: 'foo', version: '1.0.0', description: 'test foo', keywords: ['demo'] }, { 'README.md': '# foo\n' });
    const r = await alice.run(['publish'], { cwd: dir });
    expect(r.output).toContain('+ foo@1.0.0');
    expect(r.code).toBe(0);
    const p = (await http(reg.url + 'foo')).json;
    expect(p['dist-tags']).toEqual({ latest: '1.0.0' });
    expect(p.maintainers).toEqual([{ name: A, email: 'alice@example.com' }]);
    expect(p.versions['1.0.0']._npmUser).toEqual({ name: A, email: 'alice@example.com' });
    expect(p.versions['1.0.0'].dist.tarball).toBe(reg.url + 'foo/-/foo-1.0.0.tgz');
    expect(Object.keys(p.time).sort()).toEqual(['1.0.0', 'created', 'modified']);
    expect(p.readme).toBe('# foo\n');
    expect(p.description).toBe('test foo');
    expect(p).not.toHaveProperty('_attachments');
    const tgz = await fetch(p.versions['1.0.0'].dist.tarball);
    expect(tgz.status).toBe(200);
    expect((await tgz.arrayBuffer()).byteLength).toBeGreaterThan(100);
  });

  it('npm publish of a second version merges it and moves latest', async () => {
    const dir = makePackage(alice.home, { name: 'foo', version: '1.1.0', description: 'test foo, newer' });
    expect((await alice.run(['publish'], { cwd: dir })).code).toBe(0);
    const p = (await http(reg.url + 'foo')).json;
    expect(Object.keys(p.versions).sort()).toEqual(['1.0.0', '1.1.0']);
    expect(p['dist-tags'].latest).toBe('1.1.0');
    expect(p.description).toBe('test foo, newer');
  });

  it('npm publish --tag beta adds the tag and leaves latest alone', async () => {
    const dir = makePackage(alice.home, { name: 'foo', version: '2.0.0-beta.1' });
    const r = await alice.run(['publish', '--tag', 'beta'], { cwd: dir });
    expect(r.code).toBe(0);
    const p = (await http(reg.url + 'foo')).json;
    expect(p['dist-tags']).toEqual({ latest: '1.1.0', beta: '2.0.0-beta.1' });
  });

  it('npm publish of a scoped package works, with its dependency', async () => {
    const dir = makePackage(alice.home, { name: '@sc/bar', version: '1.0.0', dependencies: { foo: '^1.0.0' } });
    const r = await alice.run(['publish', '--access', 'public'], { cwd: dir });
    expect(r.output).toContain('+ @sc/bar@1.0.0');
    expect(r.code).toBe(0);
    const p = (await http(reg.url + '@sc%2fbar')).json;
    expect(p.versions['1.0.0'].dist.tarball).toBe(reg.url + '@sc%2fbar/-/bar-1.0.0.tgz');
    expect((await fetch(p.versions['1.0.0'].dist.tarball)).status).toBe(200);
  });

  it('npm publish --force over an existing version is refused and the stored tarball is unchanged', async () => {
    const before = await stored('foo');
    const dir = makePackage(alice.home, { name: 'foo', version: '1.0.0', description: 'an impostor' }, { 'extra.js': '1' });
    const r = await alice.run(['publish', '--force'], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('You cannot publish over the previously published version 1.0.0 of foo.');
    const after = await stored('foo');
    expect(after._rev).toBe(before._rev);
    expect(after._attachments['foo-1.0.0.tgz'].digest).toBe(before._attachments['foo-1.0.0.tgz'].digest);
  });

  it('npm publish by someone who is not a maintainer is refused', async () => {
    const before = await stored('foo');
    const dir = makePackage(bob.home, { name: 'foo', version: '9.0.0' });
    const r = await bob.run(['publish'], { cwd: dir });
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/403.*You are not a maintainer of foo/);
    expect((await stored('foo'))._rev).toBe(before._rev);
  });

  it('npm view shows versions, tags, maintainers with e-mail and the tarball', async () => {
    const r = await bob.run(['view', 'foo', '--json']);
    expect(r.code).toBe(0);
    const v = JSON.parse(r.stdout);
    expect(v.versions).toEqual(['1.0.0', '1.1.0', '2.0.0-beta.1']);
    expect(v['dist-tags']).toEqual({ latest: '1.1.0', beta: '2.0.0-beta.1' });
    expect(v.maintainers).toEqual([A + ' <alice@example.com>']);
    expect(v.dist.tarball).toBe(reg.url + 'foo/-/foo-1.1.0.tgz');
  });

  it('npm install of a dependency tree works from a fresh cache, and npm ci from its lockfile', async () => {
    const proj = makeProject(bob.home, { '@sc/bar': '^1.0.0' });
    bob.freshCache();
    const r = await bob.run(['install'], { cwd: proj });
    expect(r.code).toBe(0);
    expect(readFileSync(join(proj, 'node_modules', '@sc', 'bar', 'index.js'), 'utf8')).toContain('@sc/bar@1.0.0');
    expect(readFileSync(join(proj, 'node_modules', 'foo', 'package.json'), 'utf8')).toContain('"version": "1.1.0"');
    const lock = JSON.parse(readFileSync(join(proj, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/foo'].resolved).toBe(reg.url + 'foo/-/foo-1.1.0.tgz');
    expect(lock.packages['node_modules/foo'].integrity).toMatch(/^sha512-/);
    rmSync(join(proj, 'node_modules'), { recursive: true });
    bob.freshCache();
    const ci = await bob.run(['ci'], { cwd: proj });
    expect(ci.code).toBe(0);
    expect(existsSync(join(proj, 'node_modules', 'foo', 'index.js'))).toBe(true);
  });

  it('GET /:pkg/:version and GET /:pkg/:tag return one manifest', async () => {
    const byVersion = await http(reg.url + 'foo/1.0.0');
    expect(byVersion.status).toBe(200);
    expect(byVersion.json.version).toBe('1.0.0');
    expect(byVersion.json.dist.tarball).toBe(reg.url + 'foo/-/foo-1.0.0.tgz');
    expect((await http(reg.url + 'foo/beta')).json.version).toBe('2.0.0-beta.1');
    const missing = await http(reg.url + 'foo/7.7.7');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toBe('The package foo has no version or tag "7.7.7".');
  });

  it('serves the abbreviated packument for npm\'s install Accept header', async () => {
    const r = await http(reg.url + 'foo', { headers: { accept: 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*' } });
    expect(r.headers.get('content-type')).toMatch(/application\/vnd\.npm\.install-v1\+json/);
    expect(Object.keys(r.json).sort()).toEqual(['dist-tags', 'modified', 'name', 'versions']);
    expect(r.json.versions['1.0.0']).toEqual({ name: 'foo', version: '1.0.0', dist: expect.objectContaining({ tarball: reg.url + 'foo/-/foo-1.0.0.tgz' }) });
  });

  it('answers a repeated GET with If-None-Match with 304', async () => {
    const first = await http(reg.url + 'foo', { headers: { accept: 'application/json' } });
    const etag = first.headers.get('etag');
    expect(etag).toBeTruthy();
    const again = await http(reg.url + 'foo', { headers: { accept: 'application/json', 'if-none-match': etag as string } });
    expect(again.status).toBe(304);
  });
});
