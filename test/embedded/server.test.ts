// The embedded server as setup sees it: CouchDB 3.4's root, membership and /_node config,
// CouchDB's denials and content type, its admin password kept out of logs, and survival of
// unhandled rejections (C4). Labels like C4 are the corrections listed in docs/stand-in.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { basic, createUser, startTestServer, type Client } from './helpers.js';
import type { EmbeddedServer } from '../../src/embedded/index.js';

let server: EmbeddedServer;
let http: Client;
let logs: string[];
let listenersBefore: NodeJS.UnhandledRejectionListener[];

beforeAll(async () => {
  listenersBefore = process.listeners('unhandledRejection');
  ({ server, http, logs } = await startTestServer());
});

afterAll(() => server.close());

describe('server level', () => {
  it('GET / identifies a CouchDB 3.4.3 from the embedded vendor', async () => {
    const reply = await http.request('GET', '/');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(reply.json).toMatchObject({ couchdb: 'Welcome', version: '3.4.3', vendor: { name: 'couch-registry embedded', version: '4.2.0' } });
  });

  it('GET /_membership names the single node nonode@nohost (admins only)', async () => {
    const reply = await http.request('GET', '/_membership', { headers: http.admin });
    expect(reply.json).toEqual({ all_nodes: ['nonode@nohost'], cluster_nodes: ['nonode@nohost'] });
    expect((await http.request('GET', '/_membership')).status).toBe(401);
  });

  it('the urls carry no credentials, and the admin url works', async () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/`);
    expect(server.adminUrl).toMatch(new RegExp(`^http://admin:[^@]+@127\\.0\\.0\\.1:${server.port}/$`));
    expect((await http.request('GET', '/_session', { headers: http.admin })).json.userCtx).toEqual({ name: 'admin', roles: ['_admin'] });
  });

  it('POST /_node/_local/_restart answers ok', async () => {
    expect((await http.request('POST', '/_node/_local/_restart', { headers: http.admin })).json).toEqual({ ok: true });
  });
});

describe('/_node/{node}/_config', () => {
  const path = '/_node/nonode@nohost/_config/registry_test/key';

  it('PUT takes a JSON string and answers the previous value as a string', async () => {
    expect((await http.request('PUT', path, { body: 'one', headers: http.admin })).json).toBe('');
    expect((await http.request('PUT', path, { body: ' two ', headers: http.admin })).json).toBe('one');
    expect((await http.request('GET', '/_node/_local/_config/registry_test/key', { headers: http.admin })).json).toBe('two');
    expect((await http.request('GET', '/_node/_local/_config/registry_test', { headers: http.admin })).json).toEqual({ key: 'two' });
  });

  it('values stay strings, even when they look like JSON', async () => {
    await http.request('PUT', path, { body: 'true', headers: http.admin });
    expect((await http.request('GET', path, { headers: http.admin })).json).toBe('true');
  });

  it('PUT refuses a body that is not a JSON string', async () => {
    const reply = await http.request('PUT', path, { raw: '12', headers: http.admin });
    expect(reply.json).toEqual({ error: 'bad_request', reason: 'a JSON string expected' });
  });

  it('DELETE answers the old value, then 404', async () => {
    await http.request('PUT', path, { body: 'gone', headers: http.admin });
    expect((await http.request('DELETE', path, { headers: http.admin })).json).toBe('gone');
    const again = await http.request('DELETE', path, { headers: http.admin });
    expect(again.status).toBe(404);
    expect(again.json).toEqual({ error: 'not_found', reason: 'unknown_config_value' });
  });

  it('is closed to everyone but the server admin', async () => {
    await createUser(http, 'cfg-user', 'pw');
    for (const headers of [{}, basic('cfg-user', 'pw')]) {
      const reply = await http.request('GET', '/_node/_local/_config', { headers });
      expect(reply.status).toBe(401);
      expect(reply.json).toEqual({ error: 'unauthorized', reason: 'You are not a server admin.' });
    }
  });
});

describe('databases and denials', () => {
  it('a new database is admin-only: 401 for anonymous, 403 for a user, as JSON', async () => {
    expect((await http.request('PUT', '/closed', { headers: http.admin })).status).toBe(201);
    await createUser(http, 'den', 'pw');
    const anon = await http.request('GET', '/closed');
    expect(anon.status).toBe(401);
    expect(anon.headers.get('content-type')).toBe('application/json');
    expect(anon.json).toEqual({ error: 'unauthorized', reason: 'You are not authorized to access this db.' });
    const user = await http.request('GET', '/closed/some-doc', { headers: basic('den', 'pw') });
    expect(user.status).toBe(403);
    expect(user.json).toEqual({ error: 'forbidden', reason: 'You are not allowed to access this db.' });
  });

  it('a design doc write by a non-admin member is refused as CouchDB words it', async () => {
    await http.request('PUT', '/open', { headers: http.admin });
    await http.request('PUT', '/open/_security', { body: { members: {}, admins: {} }, headers: http.admin });
    const user = await http.request('PUT', '/open/_design/x', { body: {}, headers: basic('den', 'pw') });
    expect(user.status).toBe(403);
    expect(user.json).toEqual({ error: 'forbidden', reason: 'You are not a db or server admin.' });
    expect((await http.request('PUT', '/open/_design/x', { body: {} })).status).toBe(401);
  });

  it('PUT of an existing system database answers 412, of a bad name 400', async () => {
    expect((await http.request('PUT', '/_users', { headers: http.admin })).status).toBe(412);
    expect((await http.request('PUT', '/Bad', { headers: http.admin })).json.error).toBe('illegal_database_name');
  });

  it('writing a Mango index takes a db admin, and temporary views are gone', async () => {
    const index = { index: { fields: ['n'] } };
    expect((await http.request('POST', '/open/_index', { body: index, headers: basic('den', 'pw') })).status).toBe(403);
    expect((await http.request('POST', '/open/_index', { body: index, headers: http.admin })).status).toBe(200);
    expect((await http.request('POST', '/open/_find', { body: { selector: { n: 1 } } })).status).toBe(200);
    expect((await http.request('POST', '/open/_temp_view', { body: { map: 'function (d) {}' }, headers: http.admin })).status).toBe(410);
  });

  it('creating databases and listing them takes a server admin', async () => {
    expect((await http.request('PUT', '/newdb')).json).toEqual({ error: 'unauthorized', reason: 'You are not a server admin.' });
    expect((await http.request('GET', '/_all_dbs')).status).toBe(401);
  });
});

describe('process safety', () => {
  it('never writes the admin password to the log', async () => {
    const password = decodeURIComponent(new URL(server.adminUrl).password);
    await http.request('GET', '/_session', { headers: http.admin });
    expect(logs.length).toBeGreaterThan(0);
    const text = logs.join('\n');
    expect(text).not.toContain(password);
    expect(text).not.toContain(Buffer.from(`admin:${password}`).toString('base64'));
  });

  it('logs an unhandled rejection instead of letting it end the process (C4)', () => {
    const added = process.listeners('unhandledRejection').filter((l) => !listenersBefore.includes(l));
    expect(added).toHaveLength(1);
    added[0](new Error('lost promise'), Promise.resolve());
    expect(logs.some((line) => line.includes('unhandled rejection') && line.includes('lost promise'))).toBe(true);
  });
});
