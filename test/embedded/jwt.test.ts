// JWT (Bearer) authentication in the embedded server, once setup has configured the handler and
// an HMAC key, with CouchDB 3.4.3's answers for bad tokens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_DDOC } from './fixtures.js';
import { createHmac } from 'node:crypto';
import { bearer, configureLikeSetup, createPublicDb, hs256, inOneHour, JWT_SECRET, putDoc, startTestServer, type Client } from './helpers.js';
import type { EmbeddedServer } from '../../src/embedded/index.js';

let server: EmbeddedServer;
let http: Client;
const token = (claims: Record<string, unknown> = {}) => hs256({ sub: 'jay', exp: inOneHour(), '_couchdb.roles': ['reader'], ...claims });

beforeAll(async () => {
  ({ server, http } = await startTestServer());
  await configureLikeSetup(http);
  await createPublicDb(http, 'registry');
  await putDoc(http, '/registry/_design/app', APP_DDOC);
});

afterAll(() => server.close());

describe('JWT authentication', () => {
  it('JWT: a valid token authenticates, as _session shows', async () => {
    const reply = await http.request('GET', '/_session', { headers: bearer(token()) });
    expect(reply.status).toBe(200);
    expect(reply.json.userCtx).toEqual({ name: 'jay', roles: ['reader'] });
    expect(reply.json.info).toMatchObject({ authenticated: 'jwt', authentication_handlers: ['jwt', 'cookie', 'default'] });
  });

  it("JWT: a show sees the token's user in req.userCtx, and no Authorization header", async () => {
    const reply = await http.request('GET', '/registry/_design/app/_show/whoami', { headers: bearer(token()) });
    expect(reply.json.userCtx).toEqual({ db: 'registry', name: 'jay', roles: ['reader'] });
    expect(Object.keys(reply.json.headers).map((h: string) => h.toLowerCase())).not.toContain('authorization');
  });

  it('JWT: the user is carried through a rewrite', async () => {
    const reply = await http.request('GET', '/registry/_design/app/_rewrite/-/whoami', { headers: bearer(token()) });
    expect(reply.json.userCtx.name).toBe('jay');
  });

  it("JWT: validate_doc_update sees the token's user on writes through an update handler", async () => {
    const refused = await http.request('PUT', '/registry/_design/app/_update/publish/jwt-doc', { body: { owner: 'someone' }, headers: bearer(token()) });
    expect(refused.status).toBe(403);
    const allowed = await http.request('PUT', '/registry/_design/app/_update/publish/jwt-doc', { body: { owner: 'jay' }, headers: bearer(token()) });
    expect(allowed.status).toBe(201);
    expect(allowed.json.by).toEqual({ db: 'registry', name: 'jay', roles: ['reader'] });
  });

  it('JWT: an expired token gets 401 exp not in future', async () => {
    const reply = await http.request('GET', '/_session', { headers: bearer(token({ exp: Math.floor(Date.now() / 1000) - 10 })) });
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual({ error: 'unauthorized', reason: 'exp not in future' });
  });

  it('JWT: a wrong signature gets 400 Bad HMAC', async () => {
    const other = Buffer.from('some other secret').toString('base64');
    const reply = await http.request('GET', '/_session', { headers: bearer(hs256({ sub: 'jay', exp: inOneHour() }, other)) });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ error: 'bad_request', reason: 'Bad HMAC' });
  });

  it('JWT: an unknown kid gets 400 Unknown kid', async () => {
    const reply = await http.request('GET', '/_session', { headers: bearer(hs256({ sub: 'jay', exp: inOneHour() }, undefined, { kid: 'other' })) });
    expect(reply.status).toBe(400);
    expect(reply.json).toEqual({ error: 'bad_request', reason: 'Unknown kid' });
  });

  it('JWT: a token without exp gets 400 while required_claims is CouchDB 3.4\'s default "exp"', async () => {
    const reply = await http.request('GET', '/_session', { headers: bearer(hs256({ sub: 'jay' })) });
    expect(reply.json).toEqual({ error: 'bad_request', reason: 'Missing exp claim' });
  });

  it('JWT: a malformed token gets 400 and a token without sub 401', async () => {
    expect((await http.request('GET', '/_session', { headers: bearer('not-a-token') })).json.reason).toBe('Malformed token');
    expect((await http.request('GET', '/_session', { headers: bearer(hs256({ exp: inOneHour() })) })).status).toBe(401);
  });

  it('JWT: an RS256 or ES256 token gets 400 Unknown kid, as CouchDB answers while only an hmac key is configured', async () => {
    for (const alg of ['RS256', 'ES256']) {
      const reply = await http.request('GET', '/_session', { headers: bearer(hs256({ sub: 'jay', exp: inOneHour() }, undefined, { alg })) });
      expect(reply.status, alg).toBe(400);
      expect(reply.json, alg).toEqual({ error: 'bad_request', reason: 'Unknown kid' });
    }
  });

  it('JWT: an algorithm CouchDB does not know gets 400 Invalid alg header parameter', async () => {
    for (const alg of ['none', 'PS256']) {
      const reply = await http.request('GET', '/_session', { headers: bearer(hs256({ sub: 'jay', exp: inOneHour() }, undefined, { alg })) });
      expect(reply.json, alg).toEqual({ error: 'bad_request', reason: 'Invalid alg header parameter' });
    }
  });

  it('JWT: only HS256 is verified: an HS512 token or an RS256 token with a configured rsa key is refused, never accepted', async () => {
    const claims = { sub: 'jay', exp: inOneHour() };
    const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const signed = `${enc({ alg: 'HS512', typ: 'JWT' })}.${enc(claims)}`;
    const hs512 = `${signed}.${createHmac('sha512', Buffer.from(JWT_SECRET, 'base64')).update(signed).digest('base64url')}`;
    const refused = await http.request('GET', '/_session', { headers: bearer(hs512) });
    expect(refused.status).toBe(400);
    expect(refused.json.reason).toMatch(/verifies HS256 tokens only, not HS512/);

    const pem = '-----BEGIN PUBLIC KEY-----\\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\\n-----END PUBLIC KEY-----';
    await http.request('PUT', '/_node/_local/_config/jwt_keys/rsa:_default', { body: pem, headers: http.admin });
    try {
      const reply = await http.request('GET', '/_session', { headers: bearer(hs256(claims, undefined, { alg: 'RS256' })) });
      expect(reply.status).toBe(400);
      expect(reply.json.reason).toMatch(/verifies HS256 tokens only, not RS256/);
    } finally {
      await http.request('DELETE', '/_node/_local/_config/jwt_keys/rsa:_default', { headers: http.admin });
    }
  });

  it('JWT: a new key takes effect at once', async () => {
    const key = Buffer.from('rotated key').toString('base64');
    await http.request('PUT', '/_node/_local/_config/jwt_keys/hmac:k2', { body: key, headers: http.admin });
    const reply = await http.request('GET', '/_session', { headers: bearer(hs256({ sub: 'kid-user', exp: inOneHour() }, key, { kid: 'k2' })) });
    expect(reply.json.userCtx.name).toBe('kid-user');
  });

  it('JWT: a Bearer token is ignored while the JWT handler is not configured', async () => {
    const handlers = '{chttpd_auth, cookie_authentication_handler}, {chttpd_auth, default_authentication_handler}';
    const old = await http.request('PUT', '/_node/_local/_config/chttpd/authentication_handlers', { body: handlers, headers: http.admin });
    try {
      const reply = await http.request('GET', '/_session', { headers: bearer(token()) });
      expect(reply.json.userCtx).toEqual({ name: null, roles: [] });
    } finally {
      await http.request('PUT', '/_node/_local/_config/chttpd/authentication_handlers', { body: old.json, headers: http.admin });
    }
  });
});
