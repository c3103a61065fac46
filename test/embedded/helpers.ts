// Shared by the embedded-server tests: a tiny HTTP client, credentials, HS256 tokens, and the
// configuration the registry's setup applies to a fresh CouchDB.
import { createHmac } from 'node:crypto';
import { startEmbedded, type EmbeddedOptions, type EmbeddedServer } from '../../src/embedded/index.js';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export type Auth = Record<string, string>;

export interface Client {
  request(method: string, path: string, opts?: { body?: unknown; headers?: Record<string, string>; raw?: string }): Promise<Reply>;
  admin: Auth;
}

export function basic(name: string, password: string): Auth {
  return { authorization: `Basic ${Buffer.from(`${name}:${password}`).toString('base64')}` };
}

export function bearer(token: string): Auth {
  return { authorization: `Bearer ${token}` };
}

export function clientFor(server: EmbeddedServer): Client {
  const admin = new URL(server.adminUrl);
  const base = server.url.replace(/\/$/, '');
  return {
    admin: basic(admin.username, decodeURIComponent(admin.password)),
    async request(method, path, opts = {}) {
      const body = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
      const res = await fetch(base + path, {
        method,
        body,
        headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
      });
      const text = await res.text();
      let json: any;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, headers: res.headers, text, json };
    },
  };
}

export async function startTestServer(opts: EmbeddedOptions = {}): Promise<{ server: EmbeddedServer; http: Client; logs: string[] }> {
  const logs: string[] = [];
  const server = await startEmbedded({ memory: true, port: 0, log: (line) => logs.push(line), ...opts });
  return { server, http: clientFor(server), logs };
}

export const JWT_SECRET = Buffer.from('a test secret that is long enough').toString('base64');

/** An HS256 token signed with `secretBase64` (the form `[jwt_keys] hmac:_default` holds). */
export function hs256(claims: Record<string, unknown>, secretBase64 = JWT_SECRET, header: Record<string, unknown> = {}): string {
  const enc = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const signed = `${enc({ alg: 'HS256', typ: 'JWT', ...header })}.${enc(claims)}`;
  const sig = createHmac('sha256', Buffer.from(secretBase64, 'base64')).update(signed).digest('base64url');
  return `${signed}.${sig}`;
}

export const inOneHour = () => Math.floor(Date.now() / 1000) + 3600;

/** What the registry's setup does to a fresh CouchDB 3.4, over plain HTTP as admin. */
export async function configureLikeSetup(http: Client): Promise<void> {
  const set = async (section: string, key: string, value: string) => {
    const reply = await http.request('PUT', `/_node/_local/_config/${section}/${encodeURIComponent(key)}`, {
      body: value,
      headers: http.admin,
    });
    if (reply.status !== 200) throw new Error(`config ${section}/${key}: ${reply.status} ${reply.text}`);
  };
  await set('couchdb', 'users_db_security_editable', 'true');
  const sec = await http.request('PUT', '/_users/_security', {
    body: { members: { names: [], roles: [] }, admins: { names: [], roles: [] } },
    headers: http.admin,
  });
  if (sec.status !== 200) throw new Error(`_users/_security: ${sec.status} ${sec.text}`);
  await set('couchdb', 'users_db_security_editable', 'false');
  await set('chttpd_auth', 'users_db_public', 'true');
  await set('chttpd_auth', 'public_fields', 'name, type, _id, _rev, email');
  await set(
    'chttpd',
    'authentication_handlers',
    '{chttpd_auth, jwt_authentication_handler}, {chttpd_auth, cookie_authentication_handler}, {chttpd_auth, default_authentication_handler}',
  );
  await set('jwt_keys', 'hmac:_default', JWT_SECRET);
  await set('chttpd', 'secure_rewrites', 'false');
  const restart = await http.request('POST', '/_node/_local/_restart', { headers: http.admin });
  if (restart.status !== 200) throw new Error(`restart: ${restart.status}`);
}

/** Creates a database readable by everyone (empty members), as setup does for the registry. */
export async function createPublicDb(http: Client, name: string): Promise<void> {
  const created = await http.request('PUT', `/${name}`, { headers: http.admin });
  if (created.status !== 201) throw new Error(`PUT /${name}: ${created.status} ${created.text}`);
  await http.request('PUT', `/${name}/_security`, { body: { members: { names: [], roles: [] }, admins: {} }, headers: http.admin });
}

export async function putDoc(http: Client, path: string, doc: object, headers: Auth = http.admin): Promise<Reply> {
  const reply = await http.request('PUT', path, { body: doc, headers });
  if (reply.status !== 201) throw new Error(`PUT ${path}: ${reply.status} ${reply.text}`);
  return reply;
}

/** A user created by the admin: works before setup has opened `_users` for sign-up. */
export async function createUser(http: Client, name: string, password: string): Promise<void> {
  const reply = await http.request('PUT', `/_users/org.couchdb.user:${name}`, {
    body: { name, password, type: 'user', roles: [] },
    headers: http.admin,
  });
  if (reply.status !== 201) throw new Error(`create user ${name}: ${reply.status} ${reply.text}`);
}

export async function signUp(http: Client, name: string, password: string, extra: object = {}): Promise<Reply> {
  return http.request('PUT', `/_users/org.couchdb.user:${name}`, {
    body: { name, password, type: 'user', roles: [], ...extra },
  });
}
