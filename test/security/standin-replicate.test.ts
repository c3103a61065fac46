// D1: a signed-up user must not be able to copy `_users` (or anything they may not read) through
// the replicator, nor create databases with it. CouchDB 3.4 lets any authenticated user POST
// /_replicate, but replicates only between URLs (a bare database name is refused with
// `local_endpoints_not_supported`) and sends every request through the HTTP API with the
// endpoint's own credentials. The stand-in used to open both names as local databases with
// server rights: `{"source":"_users","target":"stolen"}` made a world-readable copy of every
// password hash and of the token key, and a target like `../x` wrote outside the data directory.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, http, uniqueUser, type TestRegistry } from '../support/registry';

let reg: TestRegistry;
let token: string;
const auth = () => ({ authorization: 'Bearer ' + token });
const replicate = (body: unknown, headers: Record<string, string> = auth()) =>
  http(reg.origin + '/_replicate', { method: 'POST', json: body, headers });
const allDbs = async (): Promise<string[]> => reg.couch.request('GET', '_all_dbs');
const adminAuth = () => {
  const u = new URL(reg.adminUrl);
  return { authorization: 'Basic ' + Buffer.from(decodeURIComponent(u.username) + ':' + decodeURIComponent(u.password)).toString('base64') };
};

beforeAll(async () => {
  reg = await createRegistry('replicate-attack');
  const name = uniqueUser('mallory');
  const r = await http(reg.url + '-/user/org.couchdb.user:' + name, {
    method: 'PUT',
    json: { _id: 'org.couchdb.user:' + name, name, password: 'pw-mallory-1', type: 'user', roles: [] },
  });
  expect(r.status, r.text).toBe(201);
  token = r.json.token;
});

describe('POST /_replicate by a signed-up user (D1)', () => {
  const stolen = 'stolen-' + Math.random().toString(36).slice(2, 8);

  it('refuses local database names as CouchDB 3.4 does, and creates nothing', async () => {
    const before = await allDbs();
    for (const body of [
      { source: '_users', target: stolen },
      { source: '_users', target: stolen, create_target: true },
      { source: reg.db, target: '../' + stolen, create_target: true },
      { source: '../../etc', target: stolen, create_target: true },
    ]) {
      const r = await replicate(body);
      expect(r.status, JSON.stringify(body) + ' → ' + r.text).toBe(500);
      expect(r.json).toEqual({ error: 'error', reason: 'local_endpoints_not_supported' });
    }
    expect(await allDbs()).toEqual(before);
  });

  it('cannot create a target or read _users through URL endpoints with its own token', async () => {
    const before = await allDbs();
    const bodies = [
      { source: reg.origin + '/_users', target: reg.origin + '/' + stolen, create_target: true },
      { source: { url: reg.origin + '/_users', headers: auth() }, target: { url: reg.origin + '/' + stolen, headers: auth() }, create_target: true },
      { source: { url: reg.origin + '/' + reg.db, headers: auth() }, target: { url: reg.origin + '/..%2F' + stolen, headers: auth() }, create_target: true },
    ];
    for (const body of bodies) {
      const r = await replicate(body);
      expect(r.status, JSON.stringify(body) + ' → ' + r.text).toBeGreaterThanOrEqual(400);
    }
    expect(await allDbs()).toEqual(before);
    expect((await http(reg.origin + '/' + stolen + '/_design/registry')).status).toBe(404);
  });

  it('is refused to anonymous callers', async () => {
    const r = await replicate({ source: '_users', target: stolen }, {});
    expect(r.status).toBe(401);
    expect(r.json.error).toBe('unauthorized');
  });

  it('cannot write a _replicator document, and an admin one naming local databases copies nothing', async () => {
    const doc = { source: '_users', target: stolen + '-doc', create_target: true };
    const mine = await http(reg.origin + '/_replicator/' + stolen, { method: 'PUT', json: doc, headers: auth() });
    expect(mine.status, mine.text).toBe(403);
    const admin = await http(reg.origin + '/_replicator/' + stolen, { method: 'PUT', json: doc, headers: adminAuth() });
    expect(admin.status, admin.text).toBe(201);
    let state: unknown;
    for (let i = 0; i < 50 && state === undefined; i++) {
      await new Promise((r) => setTimeout(r, 200));
      state = (await reg.couch.request('GET', '_replicator/' + stolen))._replication_state;
    }
    expect(['failed', 'error']).toContain(state);
    expect(await allDbs()).not.toContain(stolen + '-doc');
    const current = await reg.couch.request('GET', '_replicator/' + stolen);
    await reg.couch.request('DELETE', '_replicator/' + stolen, undefined, { qs: { rev: current._rev } });
  });
});

describe('database names on the stand-in (D1)', () => {
  const embedded = () => reg.backend === 'embedded';
  let dir: string;
  let server: { url: string; adminUrl: string; close(): Promise<void> } | undefined;

  beforeAll(async () => {
    if (!embedded()) {
      console.log('skipped on ' + reg.backend + ': LevelDB files and their directory exist only on the embedded stand-in');
      return;
    }
    dir = mkdtempSync(join(tmpdir(), 'standin-names-'));
    const { startEmbedded } = await import('../../src/embedded/server');
    server = await startEmbedded({ port: 0, dataDir: join(dir, 'data') });
  });

  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('never turns a name like ../x into a file outside the data directory, not even for an admin', async (ctx) => {
    if (!server) return ctx.skip();
    const u = new URL(server.adminUrl);
    const admin = { authorization: 'Basic ' + Buffer.from(u.username + ':' + decodeURIComponent(u.password)).toString('base64') };
    const base = server.url.replace(/\/$/, '');
    expect((await http(base + '/ok', { method: 'PUT', headers: admin })).status).toBe(201);
    const replies = [
      await http(base + '/_replicate', { method: 'POST', json: { source: 'ok', target: '../escaped', create_target: true }, headers: admin }),
      await http(base + '/_replicate', { method: 'POST', json: { source: 'ok', target: base + '/..%2Fescaped', create_target: true }, headers: admin }),
      await http(base + '/..%2Fescaped', { method: 'PUT', headers: admin }),
      await http(base + '/..%2Fescaped/doc', { method: 'PUT', json: { a: 1 }, headers: admin }),
    ];
    expect(replies.map((r) => r.status)).toEqual([500, 500, 400, 404]);
    expect(replies[2].json.error).toBe('illegal_database_name');
    expect(readdirSync(dir)).toEqual(['data']);
    expect(readdirSync(join(dir, 'data'))).not.toContain('..escaped');
  });
});
