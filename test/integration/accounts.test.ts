import { describe, it, expect, beforeAll } from 'vitest';
import { createRegistry, http, uniqueUser, type TestRegistry } from '../support/registry';
import { NpmUser } from '../../src/npm/client';

const A = uniqueUser('alice');
const B = uniqueUser('bob');


describe('accounts: npm adduser, login, whoami, logout', () => {
  let reg: TestRegistry;
  let alice: NpmUser;
  beforeAll(async () => {
    reg = await createRegistry('accounts');
    alice = new NpmUser(reg.url, 'alice');
  });

  it('npm adduser creates the account and stores a token for this registry', async () => {
    const r = await alice.adduser(A, 'pw-alice-1', 'alice@example.com');
    expect(r.output).toMatch(/Logged in on .*\/_rewrite\/\./);
    expect(r.code).toBe(0);
    const nerfDart = reg.url.replace(/^https?:/, '');
    expect(alice.npmrc()).toMatch(new RegExp('^' + nerfDart.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + ':_authToken=eyJ', 'm'));
  });

  it('the token is a JWT that CouchDB itself accepts for alice', async () => {
    const token = alice.token();
    const r = await http(reg.origin + '/_session', { headers: { authorization: 'Bearer ' + token } });
    expect(r.json.userCtx.name).toBe(A);
  });

  it('npm whoami prints the user name', async () => {
    const r = await alice.run(['whoami']);
    expect(r.stdout.trim()).toBe(A);
    expect(r.code).toBe(0);
  });

  it('npm login on a second machine logs the existing user in (409, GET ?write=true, PUT -rev with Basic auth)', async () => {
    const laptop = new NpmUser(reg.url, 'alice-laptop');
    const r = await laptop.login(A, 'pw-alice-1');
    expect(r.code).toBe(0);
    expect(laptop.token()).toMatch(/^eyJ/);
    const who = await laptop.run(['whoami']);
    expect(who.stdout.trim()).toBe(A);
  });

  it('npm login with a wrong password fails with 401 and stores no token', async () => {
    const mallory = new NpmUser(reg.url, 'mallory');
    const r = await mallory.login(A, 'not-her-password');
    expect(r.code).not.toBe(0);
    expect(r.output).toMatch(/401/);
    expect(mallory.token()).toBeUndefined();
  });

  it('npm adduser of a name that exists is refused with a sentence', async () => {
    const other = new NpmUser(reg.url, 'other');
    const r = await other.adduser(A, 'something-else', 'x@example.com');
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('The user ' + A + ' already exists. If that is you, log in with `npm login`.');
    expect(other.token()).toBeUndefined();
  });

  it('GET /-/user/org.couchdb.user:NAME shows public fields only, to anyone', async () => {
    const r = await http(reg.url + '-/user/org.couchdb.user:' + A);
    expect(r.status).toBe(200);
    expect(r.json.name).toBe(A);
    expect(r.json.email).toBe('alice@example.com');
    for (const secret of ['password', 'derived_key', 'salt', 'password_sha', 'iterations', 'password_scheme', 'roles']) {
      expect(r.json).not.toHaveProperty(secret);
    }
  });

  it('a user cannot give themselves roles or edit another user', async () => {
    const bob = new NpmUser(reg.url, 'bob');
    expect((await bob.adduser(B, 'pw-bob-1', 'bob@example.com')).code).toBe(0);
    const bobToken = bob.token();
    const own = await http(reg.origin + '/_users/org.couchdb.user:' + B, { headers: { authorization: 'Bearer ' + bobToken } });
    expect(own.status).toBe(200);
    const promote = await http(reg.origin + '/_users/org.couchdb.user:' + B, {
      method: 'PUT', headers: { authorization: 'Bearer ' + bobToken }, json: { ...own.json, roles: ['_admin'] },
    });
    expect(promote.status).toBe(403);
    const aliceDoc = await http(reg.origin + '/_users/org.couchdb.user:' + A, { headers: { authorization: 'Bearer ' + bobToken } });
    expect(aliceDoc.json).not.toHaveProperty('derived_key');
    const edit = await http(reg.origin + '/_users/org.couchdb.user:' + A, {
      method: 'PUT', headers: { authorization: 'Bearer ' + bobToken },
      json: { _id: 'org.couchdb.user:' + A, _rev: aliceDoc.json._rev, name: A, type: 'user', roles: [], password: 'owned' },
    });
    expect([403, 404]).toContain(edit.status);
    const anonymous = await http(reg.origin + '/_users/org.couchdb.user:eve', {
      method: 'PUT', json: { _id: 'org.couchdb.user:eve', name: 'eve', type: 'user', roles: ['admin'], password: 'x' },
    });
    expect(anonymous.status).toBe(403);
  });

  it('npm logout answers 2xx and removes the token from the npmrc', async () => {
    const r = await alice.run(['logout']);
    expect(r.code).toBe(0);
    expect(alice.token()).toBeUndefined();
    const who = await alice.run(['whoami']);
    expect(who.output).toMatch(/ENEEDAUTH/);
  });

  it('GET /-/whoami without a token is a 401 with a sentence', async () => {
    const r = await http(reg.url + '-/whoami');
    expect(r.status).toBe(401);
    expect(r.json.error).toMatch(/not logged in/);
  });
});
