// npm's package-management commands after publish (docs/npm-protocol.md §7, §9, §10, §12, §13, §15), as a maintainer
// and as a non-maintainer, unscoped and scoped, checking the stored outcome afterwards.
import { describe, it, expect, beforeAll } from 'vitest';
import { createRegistry, http, storedDoc, signedUp, uniqueUser, type TestRegistry } from '../support/registry';
import { NpmUser, makePackage, makeProject } from '../../src/npm/client';

const A = uniqueUser('alice');
const B = uniqueUser('bob');

describe('dist-tag, deprecate, owner, star, access, token through npm', () => {
  let reg: TestRegistry;
  let alice: NpmUser;
  let bob: NpmUser;
  const stored = (name: string) => storedDoc(reg, name);
  const packument = async (name: string) => (await http(reg.url + name.replace('/', '%2f'))).json;

  beforeAll(async () => {
    reg = await createRegistry('manage');
    alice = await signedUp(reg.url, 'alice', A);
    bob = await signedUp(reg.url, 'bob', B);
    for (const [name, version] of [['foo', '1.0.0'], ['foo', '1.1.0'], ['@sc/bar', '1.0.0'], ['@sc/bar', '1.1.0']]) {
      const r = await alice.run(['publish', '--access', 'public'], { cwd: makePackage(alice.home, { name, version }) });
      expect(r.code, r.output).toBe(0);
    }
  });

  describe('npm dist-tag', () => {
    for (const name of ['foo', '@sc/bar']) {
      it('add, ls and rm work for ' + name, async () => {
        const add = await alice.run(['dist-tag', 'add', name + '@1.0.0', 'old']);
        expect(add.stdout).toContain('+old: ' + name + '@1.0.0');
        const ls = await bob.run(['dist-tag', 'ls', name]);
        expect(ls.stdout).toBe('latest: 1.1.0\nold: 1.0.0\n');
        const rm = await alice.run(['dist-tag', 'rm', name, 'old']);
        expect(rm.code).toBe(0);
        expect((await packument(name))['dist-tags']).toEqual({ latest: '1.1.0' });
      });
    }
    it('refuses a tag for a version that does not exist', async () => {
      const r = await alice.run(['dist-tag', 'add', 'foo@9.9.9', 'nope']);
      expect(r.code).not.toBe(0);
      expect(r.output).toContain('foo has no version 9.9.9 to tag.');
    });
    it('refuses to remove latest', async () => {
      const r = await alice.run(['dist-tag', 'rm', 'foo', 'latest']);
      expect(r.code).not.toBe(0);
      expect(r.output).toContain('The latest tag cannot be removed');
      expect((await packument('foo'))['dist-tags'].latest).toBe('1.1.0');
    });
    it('refuses a non-maintainer', async () => {
      const before = (await stored('foo'))._rev;
      const r = await bob.run(['dist-tag', 'add', 'foo@1.0.0', 'mine']);
      expect(r.code).not.toBe(0);
      expect(r.output).toContain('You are not a maintainer of foo');
      expect((await stored('foo'))._rev).toBe(before);
    });
  });

  describe('npm deprecate', () => {
    it('sets the message on matching versions only, and npm install warns', async () => {
      const r = await alice.run(['deprecate', 'foo@1.0.0', 'use 1.1 instead']);
      expect(r.code, r.output).toBe(0);
      const p = await packument('foo');
      expect(p.versions['1.0.0'].deprecated).toBe('use 1.1 instead');
      expect(p.versions['1.1.0']).not.toHaveProperty('deprecated');
      const proj = makeProject(bob.home, { foo: '1.0.0' });
      bob.freshCache();
      const install = await bob.run(['install'], { cwd: proj });
      expect(install.code).toBe(0);
      expect(install.output).toMatch(/npm warn deprecated foo@1\.0\.0: use 1\.1 instead/);
    });
    it('un-deprecates with an empty message', async () => {
      const r = await alice.run(['deprecate', 'foo@1.0.0', '']);
      expect(r.code).toBe(0);
      expect((await packument('foo')).versions['1.0.0']).not.toHaveProperty('deprecated');
    });
    it('works for a scoped package with a range', async () => {
      expect((await alice.run(['deprecate', '@sc/bar@<1.1.0', 'old'])).code).toBe(0);
      const p = await packument('@sc/bar');
      expect(p.versions['1.0.0'].deprecated).toBe('old');
      expect(p.versions['1.1.0']).not.toHaveProperty('deprecated');
    });
    it('is refused for a non-maintainer and leaves the document as it was', async () => {
      const before = await stored('foo');
      const r = await bob.run(['deprecate', 'foo@1.1.0', 'mine now']);
      expect(r.code).not.toBe(0);
      expect(r.output).toContain('You are not a maintainer of foo');
      expect(await stored('foo')).toEqual(before);
    });
  });

  describe('npm owner', () => {
    it('ls, add and rm change only the maintainers', async () => {
      const before = await stored('@sc/bar');
      expect((await alice.run(['owner', 'ls', '@sc/bar'])).stdout).toBe(A + ' <alice@example.com>\n');
      const add = await alice.run(['owner', 'add', B, '@sc/bar']);
      expect(add.stdout).toContain('+ ' + B + ' (@sc/bar)');
      const after = await stored('@sc/bar');
      expect(after.maintainers).toEqual([{ name: A, email: 'alice@example.com' }, { name: B, email: 'bob@example.com' }]);
      expect(after.versions).toEqual(before.versions);
      expect(after._attachments).toEqual(before._attachments);
      // bob can now publish it
      expect((await bob.run(['publish'], { cwd: makePackage(bob.home, { name: '@sc/bar', version: '1.2.0' }) })).code).toBe(0);
      const rm = await alice.run(['owner', 'rm', B, '@sc/bar']);
      expect(rm.stdout).toContain('- ' + B + ' (@sc/bar)');
      expect((await stored('@sc/bar')).maintainers).toEqual([{ name: A, email: 'alice@example.com' }]);
    });
    it('refuses adding a user who does not exist', async () => {
      const r = await alice.run(['owner', 'add', 'nobody-here', 'foo']);
      expect(r.code).not.toBe(0);
      expect(r.output).toMatch(/Error getting user data for nobody-here|404/);
      expect((await stored('foo')).maintainers).toEqual([{ name: A, email: 'alice@example.com' }]);
    });
    it('refuses a non-maintainer and removing the last maintainer', async () => {
      const r = await bob.run(['owner', 'add', B, 'foo']);
      expect(r.code).not.toBe(0);
      expect(r.output).toContain('You are not a maintainer of foo');
      const last = await http(reg.url + 'foo/-rev/' + (await stored('foo'))._rev, {
        method: 'PUT', headers: { authorization: 'Bearer ' + (alice.token() as string) },
        json: { _id: 'foo', _rev: (await stored('foo'))._rev, maintainers: [] },
      });
      expect(last.status).toBe(400);
      expect(last.json.error).toBe('A package must keep at least one maintainer.');
    });
  });

  describe('npm star, unstar, stars', () => {
    it('a non-maintainer stars and unstars as themselves, changing nothing else', async () => {
      const before = await stored('foo');
      expect((await bob.run(['star', 'foo'])).code).toBe(0);
      const starred = await stored('foo');
      expect(starred.users).toEqual({ [B]: true });
      const { _rev: _a, users: _u, ...rest } = starred;
      const { _rev: _b, ...restBefore } = before;
      expect(rest).toEqual(restBefore);
      const stars = await bob.run(['stars']);
      expect(stars.stdout.trim()).toBe('foo');
      expect((await alice.run(['stars', B])).stdout.trim()).toBe('foo');
      expect((await bob.run(['unstar', 'foo'])).code).toBe(0);
      expect((await stored('foo')).users).toEqual({});
      const none = await bob.run(['stars']);
      expect(none.output).toContain('user has not starred any packages');
    });
  });

  describe('npm access, token, profile', () => {
    it('access list packages shows what a user maintains', async () => {
      const r = await alice.run(['access', 'list', 'packages', '--json']);
      expect(r.code, r.output).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ '@sc/bar': 'read-write', foo: 'read-write' });
      const other = await bob.run(['access', 'list', 'packages', A, '--json']);
      expect(JSON.parse(other.stdout)).toEqual({ '@sc/bar': 'read-write', foo: 'read-write' });
    });
    it('access get status and list collaborators answer with real data', async () => {
      expect((await bob.run(['access', 'get', 'status', '@sc/bar'])).stdout.trim()).toBe('@sc/bar: public');
      const c = await bob.run(['access', 'list', 'collaborators', '@sc/bar', '--json']);
      expect(JSON.parse(c.stdout)).toEqual({ [A]: 'read-write' });
    });
    it('access set and token list answer with a sentence, not a stack trace', async () => {
      const set = await alice.run(['access', 'set', 'status=private', '@sc/bar']);
      expect(set.code).not.toBe(0);
      expect(set.output).toContain('there is no private or restricted access to set');
      const tokens = await alice.run(['token', 'list']);
      expect(tokens.code).not.toBe(0);
      expect(tokens.output).toContain('This registry keeps no list of tokens');
    });
  });

  describe('listings from the original CouchApp', () => {
    it('GET /-/by-user/:user lists the packages a user maintains', async () => {
      const r = await http(reg.url + '-/by-user/' + A);
      expect(r.json).toEqual({ [A]: ['@sc/bar', 'foo'] });
    });
    it('GET /-/all/since?startkey= lists packages changed since a time', async () => {
      const all = await http(reg.url + '-/all');
      expect(Object.keys(all.json).sort()).toEqual(['@sc/bar', '_updated', 'foo']);
      const future = await http(reg.url + '-/all/since?startkey=' + encodeURIComponent(JSON.stringify('2999-01-01')));
      expect(Object.keys(future.json)).toEqual(['_updated']);
      const since = await http(reg.url + '-/all/since?startkey=' + encodeURIComponent(JSON.stringify('2000-01-01')));
      expect(since.json.foo.name).toBe('foo');
    });
  });

  describe('npm audit', () => {
    it('reports 0 vulnerabilities', async () => {
      const proj = makeProject(bob.home, { foo: '^1.0.0' });
      expect((await bob.run(['install'], { cwd: proj })).code).toBe(0);
      const r = await bob.run(['audit'], { cwd: proj });
      expect(r.stdout).toContain('found 0 vulnerabilities');
      expect(r.code).toBe(0);
    });
  });
});
