// D1: a signed-up user must not be able to copy `_users` (or anything they may not read) through
// the replicator, nor create databases with it. CouchDB 3.4 lets any authenticated user POST
// /_replicate, but a bare database name becomes this server's URL carrying the caller's own
// credentials (chttpd:possibly_hack), so the replication reads and writes through the HTTP API
// with exactly the caller's rights; `_replicator` documents must name URLs. The stand-in opened
// both names as local databases with server rights: `{"source":"_users","target":"stolen"}` made
// a world-readable copy of every password hash and of the token key, and a target like `../x`
// wrote outside the data directory.
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
// other test files create databases on the same server meanwhile: look for ours only
const stolenDbs = async () => (await allDbs()).filter((name) => name.includes('stolen'));
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

  it('replicates local names only with the caller\'s own rights, as CouchDB 3.4 does, and creates nothing', async () => {
    const cases: Array<{ body: unknown; status: number; error: string; reason: string }> = [
      { body: { source: '_users', target: stolen }, status: 500, error: 'db_not_found', reason: 'could not open ' + reg.origin + '/' + stolen + '/' },
      { body: { source: '_users', target: stolen, create_target: true }, status: 401, error: 'unauthorized', reason: 'unauthorized to access or create database ' + reg.origin + '/' + stolen + '/' },
      { body: { source: reg.db, target: '../' + stolen, create_target: true }, status: 401, error: 'unauthorized', reason: 'unauthorized to access or create database ' + reg.origin + '/..%2F' + stolen + '/' },
      { body: { source: '../../etc', target: stolen, create_target: true }, status: 500, error: 'db_not_found', reason: 'could not open ' + reg.origin + '/..%2F..%2Fetc/' },
    ];
    for (const c of cases) {
      const r = await replicate(c.body);
      expect(r.status, JSON.stringify(c.body) + ' → ' + r.text).toBe(c.status);
      expect(r.json).toEqual({ error: c.error, reason: c.reason });
    }
    expect(await stolenDbs()).toEqual([]);
  });

  it('cannot create a target or read _users through URL endpoints with its own token', async () => {
    const bodies = [
      { source: reg.origin + '/_users', target: reg.origin + '/' + stolen, create_target: true },
      { source: { url: reg.origin + '/_users', headers: auth() }, target: { url: reg.origin + '/' + stolen, headers: auth() }, create_target: true },
      { source: { url: reg.origin + '/' + reg.db, headers: auth() }, target: { url: reg.origin + '/..%2F' + stolen, headers: auth() }, create_target: true },
    ];
    for (const body of bodies) {
      const r = await replicate(body);
      expect(r.status, JSON.stringify(body) + ' → ' + r.text).toBeGreaterThanOrEqual(400);
    }
    expect(await stolenDbs()).toEqual([]);
    expect((await http(reg.origin + '/' + stolen + '/_design/registry')).status).toBe(404);
  });

  it('is refused to anonymous callers', async () => {
    const r = await replicate({ source: '_users', target: stolen }, {});
    expect(r.status).toBe(401);
    expect(r.json.error).toBe('unauthorized');
  });

  it('cannot write a _replicator document, and one naming local databases is refused even to an admin', async () => {
    const doc = { source: '_users', target: stolen + '-doc', create_target: true };
    const mine = await http(reg.origin + '/_replicator/' + stolen, { method: 'PUT', json: doc, headers: auth() });
    expect(mine.status, mine.text).toBe(403);
    expect(mine.json.reason).toBe('You are not allowed to access this db.');
    const admin = await http(reg.origin + '/_replicator/' + stolen, { method: 'PUT', json: doc, headers: adminAuth() });
    expect(admin.status, admin.text).toBe(403);
    expect(admin.json).toEqual({ error: 'forbidden', reason: 'local_endpoints_not_supported' });
    expect(await allDbs()).not.toContain(stolen + '-doc');
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
    const { startEmbedded } = await import('../../src/embedded/index');
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
      await http(base + '/_replicate', { method: 'POST', json: { source: 'ok', target: { url: base + '/..%2Fescaped', headers: admin }, create_target: true }, headers: admin }),
      await http(base + '/..%2Fescaped', { method: 'PUT', headers: admin }),
      await http(base + '/..%2Fescaped/doc', { method: 'PUT', json: { a: 1 }, headers: admin }),
    ];
    // an admin's create_target meets the name rule (400, which CouchDB's replicator ignores) and finds no target
    expect(replies.map((r) => r.status)).toEqual([500, 500, 400, 404]);
    expect(replies[0].json.error).toBe('db_not_found');
    expect(replies[2].json.error).toBe('illegal_database_name');
    expect(readdirSync(dir)).toEqual(['data']);
    expect(readdirSync(join(dir, 'data'))).not.toContain('..escaped');
  });
});
