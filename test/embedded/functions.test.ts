// Shows, lists and updates in the embedded server: the caller's real userCtx everywhere (C1, C2),
// CouchDB's errors for thrown objects (C5), CouchDB's request object, and show ETags. The labels
// are the corrections listed in docs/stand-in.md.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_DDOC } from './fixtures.js';
import { basic, createPublicDb, putDoc, signUp, startTestServer, configureLikeSetup, type Client } from './helpers.js';
import type { EmbeddedServer } from '../../src/embedded/index.js';

let server: EmbeddedServer;
let http: Client;
const alice = basic('alice', 'alice-pw');
const base = '/registry/_design/app';

beforeAll(async () => {
  ({ server, http } = await startTestServer());
  await configureLikeSetup(http);
  await createPublicDb(http, 'registry');
  await putDoc(http, `${base}`, APP_DDOC);
  expect((await signUp(http, 'alice', 'alice-pw')).status).toBe(201);
  await putDoc(http, '/registry/doc-a', { owner: 'alice', value: 'A' });
});

afterAll(() => server.close());

describe('update handlers (C1: validate_doc_update sees the real caller)', () => {
  it('an anonymous write through an update handler is refused with 401 by validate_doc_update', async () => {
    const reply = await http.request('PUT', `${base}/_update/publish/pkg-anon`, { body: { owner: 'alice', value: 1 } });
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual({ error: 'unauthorized', reason: 'Please log in before writing.' });
    expect((await http.request('GET', '/registry/pkg-anon')).status).toBe(404);
  });

  it('a logged-in user writing a document they do not own through an update handler gets 403', async () => {
    const reply = await http.request('PUT', `${base}/_update/publish/pkg-bob`, { body: { owner: 'bob', value: 1 }, headers: alice });
    expect(reply.status).toBe(403);
    expect(reply.json).toEqual({ error: 'forbidden', reason: 'Only the owner may write this document.' });
  });

  it('an allowed write through an update handler is stored, answers 201 and names the new rev', async () => {
    const reply = await http.request('PUT', `${base}/_update/publish/pkg-alice`, { body: { owner: 'alice', value: 1 }, headers: alice });
    expect(reply.status).toBe(201);
    expect(reply.headers.get('x-couch-id')).toBe('pkg-alice');
    expect(reply.headers.get('x-couch-update-newrev')).toMatch(/^1-/);
    expect(reply.json.by).toEqual({ db: 'registry', name: 'alice', roles: [] });
  });

  it('an update handler sees query values as strings, the body as a string and no Authorization header', async () => {
    const reply = await http.request('POST', `${base}/_update/echo?n=1&flag=true&key="k"`, { raw: 'plain text', headers: alice });
    expect(reply.status).toBe(200);
    expect(reply.json.query).toEqual({ n: '1', flag: 'true', key: 'k' });
    expect(reply.json.body).toBe('plain text');
    expect(reply.json.method).toBe('POST');
    expect(Object.keys(reply.json.headers).map((h: string) => h.toLowerCase())).not.toContain('authorization');
  });

  it('update handlers refuse GET with 405', async () => {
    expect((await http.request('GET', `${base}/_update/echo`)).status).toBe(405);
  });
});

describe('req.userCtx in functions (C2)', () => {
  it('a show sees an anonymous caller as {name: null, roles: []}', async () => {
    const reply = await http.request('GET', `${base}/_show/whoami`);
    expect(reply.json.userCtx).toEqual({ db: 'registry', name: null, roles: [] });
  });

  it('a show sees a user without roles with roles []', async () => {
    const reply = await http.request('GET', `${base}/_show/whoami`, { headers: alice });
    expect(reply.json.userCtx).toEqual({ db: 'registry', name: 'alice', roles: [] });
  });

  it('a show sees the server admin with roles ["_admin"]', async () => {
    const reply = await http.request('GET', `${base}/_show/whoami`, { headers: http.admin });
    expect(reply.json.userCtx).toEqual({ db: 'registry', name: 'admin', roles: ['_admin'] });
  });

  it('an update handler and a list see the same userCtx as a show', async () => {
    expect((await http.request('POST', `${base}/_update/echo`, { headers: alice })).json.userCtx.roles).toEqual([]);
    const list = await http.request('GET', `${base}/_list/owners/byOwner`);
    expect(list.status).toBe(200);
    expect(list.json.userCtx).toEqual({ db: 'registry', name: null, roles: [] });
    expect(list.json.keys).toContain('alice');
  });

  it('a show gets the document, the decoded id and the string query', async () => {
    const reply = await http.request('GET', `${base}/_show/whoami/doc-a?limit=5`);
    expect(reply.json.doc).toMatchObject({ _id: 'doc-a', value: 'A' });
    expect(reply.json.id).toBe('doc-a');
    expect(reply.json.query).toEqual({ limit: '5' });
    expect(reply.json.body).toBe('undefined');
  });
});

describe('thrown errors (C5)', () => {
  it('a show throwing {forbidden} answers 403 with the message', async () => {
    const reply = await http.request('GET', `${base}/_show/forbid`);
    expect(reply.status).toBe(403);
    expect(reply.json).toEqual({ error: 'forbidden', reason: 'No entry for you.' });
  });

  it('a show throwing {unauthorized} answers 401', async () => {
    const reply = await http.request('GET', `${base}/_show/unauth`);
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual({ error: 'unauthorized', reason: 'Who are you?' });
  });

  it('an update throwing {forbidden} or {unauthorized} answers 403 or 401', async () => {
    expect((await http.request('POST', `${base}/_update/forbid`)).json).toEqual({ error: 'forbidden', reason: 'Not you.' });
    expect((await http.request('POST', `${base}/_update/unauth`)).status).toBe(401);
  });

  it('a show with a bug answers 500 render_error as JSON, without a stack trace', async () => {
    const reply = await http.request('GET', `${base}/_show/broken`);
    expect(reply.status).toBe(500);
    expect(reply.headers.get('content-type')).toBe('application/json');
    expect(reply.json.error).toBe('render_error');
    expect(reply.text).not.toMatch(/\n\s+at /);
  });
});

describe('lists (C4)', () => {
  it('a request for a missing list function gets 404 JSON and the server keeps serving', async () => {
    const reply = await http.request('GET', `${base}/_list/missing/byOwner`);
    expect(reply.status).toBe(404);
    expect(reply.json.error).toBe('not_found');
    expect((await http.request('GET', '/')).status).toBe(200);
  });

  it('a list over a missing view gets 404 JSON', async () => {
    expect((await http.request('GET', `${base}/_list/owners/nope`)).status).toBe(404);
  });
});

describe('show ETags', () => {
  // what a CouchDB 3.4.3 node answers for these two shows (chttpd_show:apply_etag, then mochiweb)
  it("a show answers with the server's ETag and Vary: Accept, replacing the function's Vary, and keeps its other headers", async () => {
    const reply = await http.request('GET', `${base}/_show/counted/doc-a`);
    expect(reply.status).toBe(200);
    expect(reply.text).toBe('hello A');
    expect(reply.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(reply.headers.get('vary')).toBe('Accept');
    expect(reply.headers.get('x-show')).toBe('yes');
    expect(reply.headers.get('content-security-policy')).toBe('sandbox');
  });

  it("a show's lower-case vary is merged after Accept, and its own ETag is replaced", async () => {
    const reply = await http.request('GET', `${base}/_show/varies`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('vary')).toBe('Accept, Host');
    expect(reply.headers.get('etag')).toMatch(/^"[0-9a-f]{32}"$/);
    expect(reply.headers.get('x-show')).toBe('yes');
  });

  it('a matching If-None-Match gets 304 without running the show', async () => {
    const first = await http.request('GET', `${base}/_show/counted/doc-a`);
    const runs = globalThis.showRuns;
    const again = await http.request('GET', `${base}/_show/counted/doc-a`, { headers: { 'if-none-match': first.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(globalThis.showRuns).toBe(runs);
  });

  it('the ETag changes with the document, the Accept header and the roles', async () => {
    const etag = async (headers: Record<string, string> = {}) =>
      (await http.request('GET', `${base}/_show/counted/doc-a`, { headers })).headers.get('etag');
    const before = await etag();
    expect(await etag({ accept: 'text/html' })).not.toBe(before);
    expect(await etag(http.admin)).not.toBe(before);
    expect(await etag(alice)).toBe(before); // same roles ([]) as anonymous, as in CouchDB
    const doc = (await http.request('GET', '/registry/doc-a')).json;
    await putDoc(http, '/registry/doc-a', { ...doc, value: 'B' });
    expect(await etag()).not.toBe(before);
  });
});
