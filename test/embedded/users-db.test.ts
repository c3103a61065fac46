// `_users` in the embedded server after the registry's setup: signup, hashed passwords, the
// built-in validation (C3, docs/stand-in.md), public fields, and a design doc only admins can read whose
// update handler and show still run for anyone and see the secret in `this`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { USERS_DDOC, USERS_SECRET } from './fixtures.js';
import { basic, configureLikeSetup, putDoc, signUp, startTestServer, type Client } from './helpers.js';
import type { EmbeddedServer } from '../../src/embedded/index.js';

let server: EmbeddedServer;
let http: Client;
const alice = basic('alice', 'alice-pw');
const bob = basic('bob', 'bob-pw');
const DDOC_DENIED = { error: 'forbidden', reason: 'Only administrators can view design docs in the users database.' };

beforeAll(async () => {
  ({ server, http } = await startTestServer());
  await configureLikeSetup(http);
  await putDoc(http, '/_users/_design/registry', USERS_DDOC);
  await http.request('PUT', '/_users/_design/registry/readme.txt', { raw: 'attached', headers: { ...http.admin, 'content-type': 'text/plain' } });
  expect((await signUp(http, 'alice', 'alice-pw', { email: 'alice@example.org', note: 'private' })).status).toBe(201);
  expect((await signUp(http, 'bob', 'bob-pw')).status).toBe(201);
});

afterAll(() => server.close());

describe('signup and the built-in _users validation (C3)', () => {
  it('stores passwords hashed, never in clear', async () => {
    const doc = (await http.request('GET', '/_users/org.couchdb.user:alice', { headers: http.admin })).json;
    expect(doc.password).toBeUndefined();
    expect(doc).toMatchObject({ password_scheme: 'pbkdf2' });
    expect(typeof doc.derived_key).toBe('string');
    expect((await http.request('GET', '/_session', { headers: alice })).json.userCtx).toEqual({ name: 'alice', roles: [] });
  });

  it('refuses an anonymous signup that sets roles', async () => {
    const reply = await signUp(http, 'eve', 'pw', { roles: ['_admin'] });
    expect(reply.status).toBe(403);
    const plain = await signUp(http, 'eve', 'pw', { roles: ['maintainer'] });
    expect(plain.json).toEqual({ error: 'forbidden', reason: 'Only _admin may set roles' });
  });

  it('refuses a user adding roles to their own doc', async () => {
    const own = (await http.request('GET', '/_users/org.couchdb.user:alice', { headers: alice })).json;
    const reply = await http.request('PUT', '/_users/org.couchdb.user:alice', { body: { ...own, roles: ['maintainer'] }, headers: alice });
    expect(reply.status).toBe(403);
    expect(reply.json).toEqual({ error: 'forbidden', reason: 'Only _admin may edit roles' });
  });

  it('lets a user change their own doc without touching roles', async () => {
    const own = (await http.request('GET', '/_users/org.couchdb.user:bob', { headers: bob })).json;
    const reply = await http.request('PUT', '/_users/org.couchdb.user:bob', { body: { ...own, email: 'bob@example.org' }, headers: bob });
    expect(reply.status).toBe(201);
  });

  it("refuses a user writing someone else's doc (404, as couch_users_db answers)", async () => {
    const reply = await http.request('PUT', '/_users/org.couchdb.user:bob', { body: { name: 'bob', type: 'user', roles: [] }, headers: alice });
    expect(reply.status).toBe(404);
  });

  it('refuses a doc id that does not match the name', async () => {
    const reply = await http.request('PUT', '/_users/org.couchdb.user:mallory', { body: { name: 'notmallory', password: 'x', type: 'user', roles: [] } });
    expect(reply.json).toEqual({ error: 'forbidden', reason: 'Doc ID must be of the form org.couchdb.user:name' });
  });

  it('refuses roles set through an update handler for an anonymous caller', async () => {
    const reply = await http.request('PUT', '/_users/_design/registry/_update/login/org.couchdb.user:dan', { body: { name: 'dan', password: 'pw', roles: ['boss'] } });
    expect(reply.status).toBe(403);
    expect(reply.json.reason).toBe('Only _admin may set roles');
  });
});

describe('reading user docs', () => {
  const publicView = (doc: Record<string, unknown>) => Object.keys(doc).sort();

  it('anyone, anonymous included, reads exactly the public fields of a user', async () => {
    const reply = await http.request('GET', '/_users/org.couchdb.user:alice');
    expect(reply.status).toBe(200);
    expect(publicView(reply.json)).toEqual(['_id', '_rev', 'email', 'name', 'type']);
    expect(publicView((await http.request('GET', '/_users/org.couchdb.user:alice', { headers: bob })).json)).toEqual(['_id', '_rev', 'email', 'name', 'type']);
  });

  it('the owner and the admin read the whole doc', async () => {
    for (const headers of [alice, http.admin]) {
      const doc = (await http.request('GET', '/_users/org.couchdb.user:alice', { headers })).json;
      expect(doc).toMatchObject({ name: 'alice', note: 'private', roles: [] });
      expect(doc.derived_key).toBeDefined();
    }
  });

  it('honours whatever public_fields list is configured', async () => {
    await http.request('PUT', '/_node/_local/_config/chttpd_auth/public_fields', { body: 'name', headers: http.admin });
    try {
      expect(publicView((await http.request('GET', '/_users/org.couchdb.user:alice')).json)).toEqual(['_id', '_rev', 'name']);
    } finally {
      await http.request('PUT', '/_node/_local/_config/chttpd_auth/public_fields', { body: 'name, type, _id, _rev, email', headers: http.admin });
    }
  });

  it('filters _find and _bulk_get like a plain read: no password hashes of other users', async () => {
    const found = await http.request('POST', '/_users/_find', { body: { selector: { type: 'user' } }, headers: bob });
    expect(found.status).toBe(200);
    const alicesDoc = found.json.docs.find((d: { name: string }) => d.name === 'alice');
    expect(Object.keys(alicesDoc).sort()).toEqual(['_id', '_rev', 'email', 'name', 'type']);
    expect(found.json.docs.find((d: { name: string }) => d.name === 'bob').derived_key).toBeDefined();
    const bulk = await http.request('POST', '/_users/_bulk_get', { body: { docs: [{ id: 'org.couchdb.user:alice' }] } });
    expect(bulk.json.results[0].docs[0].ok.derived_key).toBeUndefined();
    expect(bulk.json.results[0].docs[0].ok.name).toBe('alice');
  });

  it('keeps _all_docs and _changes of _users admin-only', async () => {
    for (const headers of [{}, alice]) {
      for (const path of ['/_users/_all_docs', '/_users/_changes']) {
        const reply = await http.request('GET', `${path}?include_docs=true`, { headers });
        expect(reply.status).toBe(401);
        expect(reply.json).toEqual({ error: 'unauthorized', reason: 'You are not a server admin.' });
      }
    }
  });
});

describe('the design doc in _users', () => {
  const channels: Array<[string, string, object?]> = [
    ['GET', '/_users/_design/registry'],
    ['GET', '/_users/_design%2Fregistry'],
    ['GET', '/_users/_design/registry?open_revs=all'],
    ['GET', '/_users/_design/registry?revs=true&attachments=true'],
    ['GET', '/_users/_design/registry/readme.txt'],
    ['GET', '/_users/_design/registry/_show/peek/_design/registry'],
    ['COPY', '/_users/_design/registry', { destination: 'org.couchdb.user:copy' }],
  ];

  it.each(channels)('is refused to anonymous and to a user: %s %s', async (method, path, headers = {}) => {
    for (const who of [{}, alice]) {
      const reply = await http.request(method, path, { headers: { ...who, ...headers } });
      expect(reply.status).toBe(403);
      expect(reply.json).toEqual(DDOC_DENIED);
      expect(reply.text).not.toContain(USERS_SECRET);
    }
  });

  it('does not leak through _design_docs, _bulk_get, _find, _all_docs or _changes', async () => {
    const probes = [
      await http.request('GET', '/_users/_design_docs?include_docs=true'),
      await http.request('POST', '/_users/_bulk_get', { body: { docs: [{ id: '_design/registry' }] }, headers: alice }),
      await http.request('POST', '/_users/_find', { body: { selector: { _id: '_design/registry' } } }),
      await http.request('POST', '/_users/_all_docs', { body: { keys: ['_design/registry'] }, headers: alice }),
      await http.request('GET', '/_users/_changes?include_docs=true&filter=_design'),
    ];
    for (const reply of probes) expect(reply.text).not.toContain(USERS_SECRET);
    expect(probes[1].json.results[0].docs[0].error.error).toBe('forbidden');
  });

  it('is readable by the server admin', async () => {
    const reply = await http.request('GET', '/_users/_design/registry', { headers: http.admin });
    expect(reply.status).toBe(200);
    expect(reply.json.secret).toBe(USERS_SECRET);
  });

  it('lets an anonymous caller sign up through its update handler', async () => {
    const reply = await http.request('PUT', '/_users/_design/registry/_update/login/org.couchdb.user:carol', { body: { name: 'carol', password: 'carol-pw' } });
    expect(reply.status).toBe(201);
    expect(reply.json).toEqual({ ok: true, created: 'carol' });
    expect((await http.request('GET', '/_session', { headers: basic('carol', 'carol-pw') })).json.userCtx.name).toBe('carol');
  });

  it('runs its update handler for a Basic-authenticated user with the secret in `this`', async () => {
    const reply = await http.request('POST', '/_users/_design/registry/_update/login', { headers: alice });
    expect(reply.status).toBe(200);
    expect(reply.json).toEqual({ ok: true, name: 'alice', token: `minted:${USERS_SECRET.length}`, secretSeen: true });
  });

  it('runs its show for anonymous callers, with public fields of other users only', async () => {
    const reply = await http.request('GET', '/_users/_design/registry/_show/peek/org.couchdb.user:alice');
    expect(reply.status).toBe(200);
    expect(reply.json.secretSeen).toBe(true);
    expect(reply.json.doc.note).toBeUndefined();
    expect(reply.json.doc.name).toBe('alice');
    expect(reply.json.userCtx).toEqual({ db: '_users', name: null, roles: [] });
  });
});

describe('_users/_security', () => {
  it('cannot be changed while users_db_security_editable is off, not even by the admin', async () => {
    const reply = await http.request('PUT', '/_users/_security', { body: { members: { roles: ['x'] } }, headers: http.admin });
    expect(reply.status).toBe(403);
    expect(reply.json.reason).toBe("You can't edit the security object of the user database.");
  });
});
