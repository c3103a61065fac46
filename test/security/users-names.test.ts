// Issue 16, D9 and the sign-up of a server admin's name: the registry's user-name rules hold on
// every path into `_users`, not only on npm adduser's route. Each refusal is a 403 (or npm's
// report of one) with a sentence, and nothing is stored.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { inject } from 'vitest';
import { createRegistry, http, signedUp, uniqueUser, type TestRegistry } from '../support/registry';
import { NpmUser } from '../../src/npm/client';

const SUFFIX = uniqueUser('x').slice(1);
// Each looks like an acceptable name ("alice-<run>") but is not one.
const LOOK_ALIKES: Array<[string, string]> = [
  ['a capital letter', 'Alice' + SUFFIX],
  ['a trailing space', 'alice' + SUFFIX + ' '],
  ['a Cyrillic "а"', '\u0430lice' + SUFFIX],
  ['a zero-width space', 'bob' + SUFFIX + '\u200b'],
  ['a Latin-1 letter', 'jos\u00e9' + SUFFIX],
  ['a full-width letter', '\uff41lice' + SUFFIX],
];

const userPath = (name: string) => '/_users/' + encodeURIComponent('org.couchdb.user:' + name);
const newUser = (name: string) => ({ _id: 'org.couchdb.user:' + name, name, password: 'pw-1', type: 'user', roles: [] });

describe('user names: the registry rules on every write to _users (D9)', () => {
  let reg: TestRegistry;
  let mallory: NpmUser;
  const created: string[] = [];

  const stored = (name: string) => reg.couch.request('GET', userPath(name).slice(1), undefined, { allow404: true });

  beforeAll(async () => {
    reg = await createRegistry('users-names');
    mallory = await signedUp(reg.url, 'mallory', uniqueUser('mallory'));
  });

  afterAll(async () => {
    // Only if a refusal failed: leave the shared _users as it was.
    for (const name of created) {
      const doc = await stored(name);
      if (doc) await reg.couch.request('DELETE', userPath(name).slice(1), undefined, { qs: { rev: doc._rev } });
    }
  });

  for (const [label, name] of LOOK_ALIKES) {
    it('refuses an anonymous direct PUT of a name with ' + label + ', and stores nothing', async () => {
      created.push(name);
      const r = await http(reg.origin + userPath(name), { method: 'PUT', json: newUser(name) });
      expect(r.status, r.text).toBe(403);
      expect(r.json.error).toBe('forbidden');
      expect(r.json.reason).toMatch(/^(The user name .* has the character .*: user names may only use lowercase letters a-z, digits|User names are lowercase)/);
      expect(await stored(name)).toBeNull();
    });
  }

  it('says which character is wrong, by code point when it is invisible', async () => {
    const [, name] = LOOK_ALIKES[3];
    const r = await http(reg.origin + userPath(name), { method: 'PUT', json: newUser(name) });
    expect(r.json.reason).toContain('has the character U+200B');
    const cyr = await http(reg.origin + userPath(LOOK_ALIKES[2][1]), { method: 'PUT', json: newUser(LOOK_ALIKES[2][1]) });
    expect(cyr.json.reason).toContain('has the character U+0430');
    const cap = await http(reg.origin + userPath(LOOK_ALIKES[0][1]), { method: 'PUT', json: newUser(LOOK_ALIKES[0][1]) });
    expect(cap.json.reason).toBe('User names are lowercase: try "' + LOOK_ALIKES[0][1].toLowerCase() + '".');
  });

  it('refuses names starting with punctuation on a direct PUT', async () => {
    for (const name of ['-dash' + SUFFIX, '.dot' + SUFFIX]) {
      created.push(name);
      const r = await http(reg.origin + userPath(name), { method: 'PUT', json: newUser(name) });
      expect(r.status, r.text).toBe(403);
      expect(r.json.reason).toBe('User names cannot start with "' + name.charAt(0) + '".');
      expect(await stored(name)).toBeNull();
    }
  });

  it('refuses every look-alike in an anonymous _bulk_docs, row by row, and stores none', async () => {
    const r = await http(reg.origin + '/_users/_bulk_docs', { method: 'POST', json: { docs: LOOK_ALIKES.map(([, n]) => newUser(n)) } });
    expect(r.status, r.text).toBe(201);
    expect(r.json).toHaveLength(LOOK_ALIKES.length);
    for (const row of r.json) {
      expect(row.error, JSON.stringify(row)).toBe('forbidden');
      expect(row.reason).toMatch(/user names may only use lowercase letters|User names are lowercase/);
    }
    for (const [, n] of LOOK_ALIKES) expect(await stored(n)).toBeNull();
  });

  it('refuses a logged-in user creating a look-alike account directly, and stores nothing', async () => {
    const name = LOOK_ALIKES[2][1];
    const r = await http(reg.origin + userPath(name), { method: 'PUT', json: newUser(name), headers: { authorization: 'Bearer ' + mallory.token() } });
    // CouchDB answers 404 (a logged-in user may only write their own document) before any validation.
    expect([403, 404]).toContain(r.status);
    expect(await stored(name)).toBeNull();
  });

  it('refuses the same names through the sign-up route with 400 and a sentence', async () => {
    for (const [, name] of LOOK_ALIKES) {
      const r = await http(reg.url + '-/user/' + encodeURIComponent('org.couchdb.user:' + name), { method: 'PUT', json: newUser(name) });
      expect(r.status, r.text).toBe(400);
      expect(r.json.error).toMatch(/user names may only use lowercase letters|User names are lowercase/);
      expect(await stored(name)).toBeNull();
    }
  });

  it('npm adduser of a name npm itself lets through ("-" first) fails with the sentence and stores no token', async () => {
    // npm checks a typed name itself (lowercase, URL-safe, no leading ".") and asks again, so the
    // look-alikes above never leave its prompt; this one does, and the registry refuses it.
    const name = '-dash' + SUFFIX;
    const person = new NpmUser(reg.url, 'dash');
    const r = await person.adduser(name, 'pw-dash-1', 'dash@example.com');
    expect(r.code, r.output).not.toBe(0);
    expect(r.output).toContain('User names cannot start with "-".');
    expect(person.token()).toBeUndefined();
    expect(await stored(name)).toBeNull();
  });

  it('gives no token to a look-alike account made before the rules (by an admin here), even with its password', async () => {
    const name = 'Legacy' + SUFFIX;
    created.push(name);
    await reg.couch.request('PUT', userPath(name).slice(1), newUser(name));
    const before = await stored(name);
    const auth = { authorization: 'Basic ' + Buffer.from(name + ':pw-1').toString('base64') };
    const r = await http(reg.url + '-/user/' + encodeURIComponent('org.couchdb.user:' + name) + '/-rev/' + before._rev, { method: 'PUT', json: newUser(name), headers: auth });
    expect(r.status, r.text).toBe(403);
    expect(r.json.error).toBe('The account "' + name + '" breaks the registry\'s user-name rules, so it gets no token: User names are lowercase: try "' + name.toLowerCase() + '". An administrator can remove it.');
    expect(r.json.token).toBeUndefined();
    expect(await stored(name)).toEqual(before);
  });

  it('still accepts a valid new name by direct PUT (the rules refuse only what they must)', async () => {
    const name = uniqueUser('plain.name_ok');
    created.push(name);
    const r = await http(reg.origin + userPath(name), { method: 'PUT', json: newUser(name) });
    expect(r.status, r.text).toBe(201);
    expect((await stored(name)).name).toBe(name);
  });
});

describe('the server admin\'s name cannot be signed up', () => {
  let reg: TestRegistry;
  let adminName: string;
  const stored = (name: string) => reg.couch.request('GET', userPath(name).slice(1), undefined, { allow404: true });

  beforeAll(async () => {
    reg = await createRegistry('users-reserved');
    adminName = decodeURIComponent(new URL(inject('couch').adminUrl).username);
    expect(adminName).not.toBe('');
  });

  afterAll(async () => {
    const doc = await stored(adminName);
    if (doc) await reg.couch.request('DELETE', userPath(adminName).slice(1), undefined, { qs: { rev: doc._rev } });
  });

  it('setup records the server admins as reserved names in the _users design doc', async () => {
    const ddoc = await reg.couch.request('GET', '_users/_design/registry');
    expect(ddoc.registry.reservedNames).toContain(adminName);
    expect(typeof ddoc.validate_doc_update).toBe('string');
  });

  it('refuses a direct anonymous PUT of the admin\'s name with a sentence', async () => {
    expect(await stored(adminName)).toBeNull();
    const r = await http(reg.origin + userPath(adminName), { method: 'PUT', json: newUser(adminName) });
    expect(r.status, r.text).toBe(403);
    expect(r.json.reason).toBe('The user name ' + adminName + ' is reserved on this server; pick another.');
    expect(await stored(adminName)).toBeNull();
  });

  it('npm adduser of the admin\'s name fails with the sentence and stores no token', async () => {
    const person = new NpmUser(reg.url, 'impostor');
    const r = await person.adduser(adminName, 'pw-imp-1', 'imp@example.com');
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('The user name ' + adminName + ' is reserved on this server; pick another.');
    expect(person.token()).toBeUndefined();
    expect(await stored(adminName)).toBeNull();
  });
});
