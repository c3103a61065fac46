// Array rewrites: the rule engine on its own (ported from chttpd_rewrite.erl), then through the
// embedded server, climbing into `_users` with the caller's identity intact.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// rewrite.ts is internal to src/embedded; its rule engine is tested here directly
import { rewriteArray, type RewriteInput } from '../../src/embedded/rewrite.js';
import { APP_DDOC, USERS_DDOC } from './fixtures.js';
import { basic, configureLikeSetup, createPublicDb, putDoc, signUp, startTestServer, type Client } from './helpers.js';
import type { EmbeddedServer } from '../../src/embedded/index.js';

const input = (over: Partial<RewriteInput>): RewriteInput => ({
  method: 'GET',
  pathParts: [],
  query: [],
  prefix: '/db/_design/app',
  secureRewrites: false,
  ...over,
});

describe('rewriteArray', () => {
  it('appends every :binding and the request query to the target query string', () => {
    const url = rewriteArray([{ from: '/pkg/:name', to: '_show/package/:name' }], input({ pathParts: ['pkg', 'left-pad'], query: [['write', 'true']] }));
    expect(url).toBe('/db/_design/app/_show/package/left-pad?write=true&name=left-pad');
  });

  it('climbs out of the database with ..', () => {
    const url = rewriteArray([{ from: '/-/user/:user', to: '../../../_users/:user' }], input({ pathParts: ['-', 'user', 'org.couchdb.user:ann'] }));
    // quote_plus escapes the colon in the path as well as in the query
    expect(url).toBe('/_users/org.couchdb.user%3Aann?user=org.couchdb.user%3Aann');
  });

  it('refuses a climb of more than two levels while secure_rewrites is on', () => {
    expect(() => rewriteArray([{ from: '/a', to: '../../../_users' }], input({ secureRewrites: true }))).toThrow('too many ../.. segments');
  });

  it('keeps a scoped name with an encoded slash in one segment', () => {
    const url = rewriteArray([{ from: '/:pkg', to: '_show/package/:pkg' }], input({ pathParts: ['@scope/name'] }));
    expect(url).toBe('/db/_design/app/_show/package/%40scope%2Fname?pkg=%40scope%2Fname');
  });

  it('matches methods, fills rule query values and appends * segments', () => {
    const rules = [
      { from: '/files/*', to: '_show/file/*', method: 'PUT' },
      { from: '/files/*', to: 'attachments/*', query: { kind: ':kind', fixed: 'yes' } },
    ];
    expect(rewriteArray(rules, input({ pathParts: ['files', 'a', 'b'], query: [['kind', 'x']] }))).toBe('/db/_design/app/attachments/a/b?kind=x&fixed=yes');
    expect(rewriteArray(rules, input({ method: 'PUT', pathParts: ['files', 'a'] }))).toBe('/db/_design/app/_show/file/a');
  });

  it('treats HEAD as GET and answers 404 when no rule matches', () => {
    expect(rewriteArray([{ from: '/x', to: 'y', method: 'GET' }], input({ method: 'HEAD', pathParts: ['x'] }))).toBe('/db/_design/app/y');
    expect(() => rewriteArray([{ from: '/x', to: 'y' }], input({ pathParts: ['z'] }))).toThrow('missing');
  });
});

describe('rewrites in the embedded server', () => {
  let server: EmbeddedServer;
  let http: Client;
  const rw = '/registry/_design/app/_rewrite';

  beforeAll(async () => {
    ({ server, http } = await startTestServer());
    await configureLikeSetup(http);
    await createPublicDb(http, 'registry');
    await putDoc(http, '/registry/_design/app', APP_DDOC);
    await putDoc(http, '/_users/_design/registry', USERS_DDOC);
    await signUp(http, 'alice', 'alice-pw', { note: 'private' });
  });

  afterAll(() => server.close());

  it('a rewrite to ../../../_users/:id serves public fields to anonymous callers and all to the owner', async () => {
    const anon = await http.request('GET', `${rw}/-/user/org.couchdb.user:alice`);
    expect(anon.status).toBe(200);
    expect(anon.json.note).toBeUndefined();
    const owner = await http.request('GET', `${rw}/-/user/org.couchdb.user:alice`, { headers: basic('alice', 'alice-pw') });
    expect(owner.json.note).toBe('private');
  });

  it("a rewrite to _users' design doc itself is refused like a direct request", async () => {
    const reply = await http.request('GET', `${rw}/-/user/_design%2Fregistry`);
    expect(reply.status).toBe(403);
  });

  it('a rewrite to an update handler in _users signs up an anonymous caller', async () => {
    const reply = await http.request('PUT', `${rw}/-/login/org.couchdb.user:dora`, { body: { name: 'dora', password: 'dora-pw' } });
    expect(reply.status).toBe(201);
    expect((await http.request('GET', '/_session', { headers: basic('dora', 'dora-pw') })).json.userCtx.name).toBe('dora');
  });

  it('a rewrite to an update handler in _users carries the Basic-authenticated user', async () => {
    const reply = await http.request('PUT', `${rw}/-/login/org.couchdb.user:dora`, { headers: basic('dora', 'dora-pw') });
    expect(reply.json).toMatchObject({ ok: true, name: 'dora', secretSeen: true });
  });

  it('a rewrite to a show passes bindings as query strings', async () => {
    const reply = await http.request('GET', `${rw}/pkg/some-doc?x=1`);
    expect(reply.json.query).toEqual({ x: '1', name: 'some-doc' });
    expect(reply.json.id).toBe('some-doc');
  });

  it('a rewrite to ../../../_session reports the caller', async () => {
    const reply = await http.request('GET', `${rw}/-/session`, { headers: basic('alice', 'alice-pw') });
    expect(reply.json.userCtx).toEqual({ name: 'alice', roles: [] });
  });

  it('every rewrite of a design doc that climbs too far fails while secure_rewrites is at its default', async () => {
    await http.request('DELETE', '/_node/_local/_config/chttpd/secure_rewrites', { headers: http.admin });
    try {
      const reply = await http.request('GET', `${rw}/-/whoami`);
      expect(reply.status).toBe(500);
      expect(reply.json.error).toBe('insecure_rewrite_rule');
    } finally {
      await http.request('PUT', '/_node/_local/_config/chttpd/secure_rewrites', { body: 'false', headers: http.admin });
    }
  });
});
