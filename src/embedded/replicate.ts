// POST /_replicate and the `_replicator` daemon as CouchDB 3.4 runs them. CouchDB replicates only
// between URLs, and every request the replicator sends goes through the HTTP API with the
// credentials the endpoint carries: `_replicate` turns a bare database name into this server's
// URL with the caller's own credentials (chttpd:possibly_hack), and a `_replicator` document
// naming one is refused (`local_endpoints_not_supported`). A user can copy only what they may
// read, into a database they may write, and creates a target only if they may create
// databases. express-pouchdb instead opened both names as local databases with server rights,
// so any signed-up user could copy `_users` into a new public database (D1, docs/stand-in.md), and a name like
// `../x` made LevelDB files outside the data directory.
import { createHash, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Request, Response } from 'express';
import { CouchError, sendCouchError, sendJson } from './errors.js';
import { createRequire } from 'node:module';
import { basePouchDB } from './pouch-base.js';
import { readBody } from './request.js';
import { isServerAdmin, userCtxOf } from './userctx.js';
import { contextOf, type AccessOptions, type CouchDoc, type CouchRequest, type EpApp, type PouchDatabase, type UserCtx } from './types.js';

const require = createRequire(import.meta.url);
const wrappers = require('pouchdb-wrappers');
const createBulkDocsWrapper = require('pouchdb-bulkdocs-wrapper');

export interface Endpoint {
  /** with a trailing slash and without credentials */
  url: string;
  headers: Record<string, string>;
}

/** What a `_replicate` body asks for, parsed as couch_replicator_parse does. */
export interface RepSpec {
  source: Endpoint;
  target: Endpoint;
  createTarget: boolean;
  continuous: boolean;
  cancel: boolean;
  id?: string;
  options: Record<string, unknown>;
}

interface Running {
  owner: string | null;
  replication: { cancel(): void };
}

export const LOCAL_ENDPOINTS = 'local_endpoints_not_supported';

const localEndpoint = () => new CouchError(500, 'error', LOCAL_ENDPOINTS);
const invalidUrl = () => new CouchError(400, 'invalid_replication', 'endpoint has an invalid url');

/** parse_rep_db: a URL string or `{url, headers, auth}`; anything else is refused. */
export function parseEndpoint(value: unknown): Endpoint {
  if (value === undefined || value === null) throw new CouchError(500, 'error', 'Missing replicator database');
  if (typeof value === 'string') {
    if (!/^https?:\/\//.test(value)) throw localEndpoint();
    return endpointOf(value, {}, undefined);
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw new CouchError(500, 'unknown_error', 'function_clause');
  const spec = value as { url?: unknown; headers?: unknown; auth?: unknown };
  if (typeof spec.url !== 'string') throw invalidUrl();
  const headers: Record<string, string> = {};
  if (spec.headers !== undefined) {
    if (!spec.headers || typeof spec.headers !== 'object') throw new CouchError(400, 'bad_request', 'headers must be a JSON object');
    for (const [k, v] of Object.entries(spec.headers)) headers[k.toLowerCase()] = String(v);
  }
  const basic = (spec.auth as { basic?: { username?: unknown; password?: unknown } } | undefined)?.basic;
  return endpointOf(spec.url, headers, basic && typeof basic.username === 'string' ? { username: basic.username, password: String(basic.password ?? '') } : undefined);
}

function endpointOf(raw: string, headers: Record<string, string>, auth: { username: string; password: string } | undefined): Endpoint {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalidUrl();
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw invalidUrl();
  // couch_replicator_utils:normalize_basic_auth: credentials in the URL become a header
  const user = auth ?? (url.username ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : undefined);
  url.username = '';
  url.password = '';
  if (user && !headers.authorization) headers.authorization = 'Basic ' + Buffer.from(user.username + ':' + user.password).toString('base64');
  let href = url.href;
  if (!href.includes('?') && !href.endsWith('/')) href += '/';
  return { url: href, headers };
}

export function parseRepSpec(body: Record<string, unknown>): RepSpec {
  const params = body.query_params;
  if (params && typeof params === 'object') {
    for (const [k, v] of Object.entries(params)) if (typeof v !== 'string') throw new CouchError(400, 'bad_request', `${k} value must be a string.`);
  }
  for (const key of ['create_target', 'continuous', 'cancel']) {
    if (body[key] !== undefined && typeof body[key] !== 'boolean') throw new CouchError(400, 'bad_request', `parameter \`${key}\` must be a boolean`);
  }
  const cancel = body.cancel === true;
  const id = typeof body.replication_id === 'string' ? body.replication_id : typeof body.id === 'string' ? body.id : undefined;
  const options: Record<string, unknown> = {};
  for (const key of ['doc_ids', 'filter', 'query_params', 'selector']) if (body[key] !== undefined) options[key] = body[key];
  if (body.since_seq !== undefined) options.since = body.since_seq;
  if (cancel && id) {
    const none: Endpoint = { url: '', headers: {} };
    return { source: none, target: none, createTarget: false, continuous: false, cancel, id, options };
  }
  return {
    source: parseEndpoint(body.source),
    target: parseEndpoint(body.target),
    createTarget: body.create_target === true,
    continuous: body.continuous === true,
    cancel,
    options,
  };
}

/** mochiweb_util:quote_plus: letters, digits and `.-~_` stay, a space is `+`. */
function quotePlus(text: string): string {
  return [...Buffer.from(text, 'utf8')]
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9.~_-]/.test(c)) return c;
      return c === ' ' ? '+' : '%' + b.toString(16).toUpperCase().padStart(2, '0');
    })
    .join('');
}

/**
 * chttpd:possibly_hack: a source or target that is not an http(s) URL is taken for a database
 * of this server and replaced by its URL here, carrying the caller's own Authorization header
 * and session cookie. The replication then reads and writes through the HTTP API with exactly
 * the caller's rights (and a name like `../x` is just a database name nobody may create).
 */
function localNamesAsUrls(req: CouchRequest, body: Record<string, unknown>): Record<string, unknown> {
  if (body.cancel === true && (typeof body.id === 'string' || typeof body.replication_id === 'string')) return body;
  const fixed = { ...body };
  const address = (req.socket.localAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  const origin = 'http://' + (address.includes(':') ? '[' + address + ']' : address) + ':' + req.socket.localPort + '/';
  for (const key of ['source', 'target']) {
    const value = body[key];
    const url = value && typeof value === 'object' && !Array.isArray(value) ? (value as { url?: unknown }).url : value;
    if (typeof url !== 'string' || /^https?:\/\//.test(url)) continue;
    const headers: Record<string, string> = {};
    if (typeof req.headers.authorization === 'string') headers.authorization = req.headers.authorization;
    const session = /(?:^|;\s*)AuthSession=([^;]*)/.exec(String(req.headers.cookie ?? ''));
    if (session) headers.cookie = 'AuthSession=' + session[1];
    fixed[key] = { url: origin + quotePlus(url), headers };
  }
  return fixed;
}

/** A replication id in CouchDB's form: a hash of what is replicated, `+continuous` when live. */
function replicationId(spec: RepSpec): string {
  const base = createHash('md5')
    .update(JSON.stringify([spec.source.url, spec.source.headers, spec.target.url, spec.target.headers, spec.options]))
    .digest('hex');
  return base + (spec.continuous ? '+continuous' : '');
}

const httpPouchDB = basePouchDB;

/** A remote database through PouchDB's http adapter, never a local store. */
function remote(endpoint: Endpoint): any {
  const PouchDB = httpPouchDB();
  return new PouchDB(endpoint.url.replace(/\/$/, ''), { adapter: 'http', skip_setup: true, headers: endpoint.headers });
}

/** couch_replicator_api_wrap:db_open: the endpoint must answer as a database, or is created. */
async function openEndpoint(endpoint: Endpoint, create: boolean): Promise<void> {
  const shown = endpoint.url;
  const send = (method: string) => fetch(endpoint.url, { method, headers: { accept: 'application/json', ...endpoint.headers } });
  const denied = (status: number) => {
    if (status === 401) throw new CouchError(401, 'unauthorized', 'unauthorized to access or create database ' + shown);
    if (status === 403) throw new CouchError(403, 'forbidden', shown);
  };
  try {
    if (create) denied((await send('PUT')).status);
    const res = await send('GET');
    denied(res.status);
    const info = res.ok ? ((await res.json().catch(() => null)) as { update_seq?: unknown } | null) : null;
    if (!info || info.update_seq === undefined) throw new CouchError(500, 'db_not_found', 'could not open ' + shown);
  } catch (err) {
    if (err instanceof CouchError) throw err;
    throw new CouchError(500, 'db_not_found', 'could not open ' + shown);
  }
}

function running(req: Request): Map<string, Running> {
  const context = contextOf(req.app);
  context.replications ??= new Map();
  return context.replications;
}

/** Cancels every live replication of a server (at shutdown). */
export function cancelReplications(app: EpApp): void {
  const active = contextOf(app).replications;
  for (const rep of active?.values() ?? []) rep.replication.cancel();
  active?.clear();
}

function historyEntry(info: Record<string, unknown>, session: string, start: Date) {
  return {
    session_id: session,
    start_time: start.toUTCString(),
    end_time: new Date().toUTCString(),
    start_last_seq: 0,
    end_last_seq: info.last_seq,
    recorded_seq: info.last_seq,
    missing_checked: info.docs_read,
    missing_found: info.docs_read,
    docs_read: info.docs_read,
    docs_written: info.docs_written,
    doc_write_failures: info.doc_write_failures,
  };
}

async function handleReplicate(req: CouchRequest, res: Response): Promise<void> {
  if (!/^application\/json/i.test(String(req.headers['content-type'] ?? ''))) {
    throw new CouchError(415, 'bad_content_type', 'Content-Type must be application/json');
  }
  let body: unknown;
  try {
    body = JSON.parse(await readBody(req));
  } catch {
    throw new CouchError(400, 'bad_request', 'invalid UTF-8 JSON');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new CouchError(400, 'bad_request', 'Request body must be a JSON object');
  const spec = parseRepSpec(localNamesAsUrls(req, body as Record<string, unknown>));
  const userCtx = userCtxOf(req);
  const active = running(req);

  if (spec.cancel) {
    const id = spec.id ?? replicationId({ ...spec, continuous: true });
    const rep = active.get(id) ?? active.get(replicationId(spec));
    if (!rep) {
      sendJson(res, 404, { error: 'not found' });
      return;
    }
    authorizeOwner(rep.owner, userCtx);
    rep.replication.cancel();
    active.delete(id);
    sendJson(res, 200, { ok: true, _local_id: id });
    return;
  }

  const id = replicationId(spec);
  const existing = active.get(id);
  if (existing) authorizeOwner(existing.owner, userCtx);
  await openEndpoint(spec.source, false);
  await openEndpoint(spec.target, spec.createTarget);
  const PouchDB = httpPouchDB();
  const start = new Date();
  const session = randomUUID().replace(/-/g, '');
  if (spec.continuous) {
    if (!existing) {
      const replication = PouchDB.replicate(remote(spec.source), remote(spec.target), { ...spec.options, live: true, retry: true });
      replication.on('error', () => active.delete(id));
      active.set(id, { owner: userCtx.name, replication });
    }
    sendJson(res, 202, { ok: true, _local_id: id });
    return;
  }
  const info = await PouchDB.replicate(remote(spec.source), remote(spec.target), spec.options);
  sendJson(res, 200, {
    ok: true,
    session_id: session,
    source_last_seq: info.last_seq,
    replication_id_version: 4,
    history: [historyEntry(info, session, start)],
  });
}

/** check_authorization: only the user who started a replication, or a server admin, touches it. */
function authorizeOwner(owner: string | null, userCtx: UserCtx): void {
  if (owner !== userCtx.name && !isServerAdmin(userCtx)) throw new CouchError(401, 'unauthorized', 'You are not a server admin.');
}

export function registerReplicate(app: EpApp): void {
  app.post('/_replicate', (req: Request, res: Response) => {
    handleReplicate(req as CouchRequest, res).catch((err) => sendCouchError(req, res, err));
  });
  app.all('/_replicate', (req: Request, res: Response) => {
    res.setHeader('Allow', 'POST');
    sendJson(res, 405, { error: 'method_not_allowed', reason: 'Only POST allowed' });
  });
}

/**
 * The same rule for the `_replicator` daemon (pouchdb-replicator calls the server's
 * PouchDB.replicate): endpoints must be URLs and are opened through the http adapter. A document
 * naming a local database fails as on CouchDB, instead of copying it with server rights.
 */
export function replicateThroughHttp(src: unknown, target: unknown, opts: Record<string, unknown> = {}): unknown {
  let source: Endpoint;
  let dest: Endpoint;
  try {
    source = asEndpoint(src);
    dest = asEndpoint(target);
  } catch (err) {
    return failedReplication(err instanceof CouchError ? err : new CouchError(500, 'error', LOCAL_ENDPOINTS));
  }
  const { userCtx: _u, user_ctx: _uc, source: _s, target: _t, _id, _rev, ...rest } = opts;
  const replication = httpPouchDB().replicate(remote(source), remote(dest), rest);
  // pouchdb-replicator records failures from the promise; an unheard 'error' would end the process
  replication.on('error', () => undefined);
  return replication;
}

function asEndpoint(value: unknown): Endpoint {
  // an http PouchDB object: its name is its URL
  if (value && typeof value === 'object' && typeof (value as { name?: unknown }).name === 'string' && typeof (value as { type?: unknown }).type === 'function') {
    const db = value as { name: string; type(): string };
    if (db.type() !== 'http' && db.type() !== 'https') throw new CouchError(500, 'error', LOCAL_ENDPOINTS);
    return parseEndpoint(db.name);
  }
  return parseEndpoint(value);
}

/** What PouchDB.replicate returns, already failed: an emitter that is also a promise. */
function failedReplication(err: CouchError) {
  const emitter = new EventEmitter() as EventEmitter & Record<string, unknown>;
  const failure = Object.assign(new Error(err.reason), { status: err.status, name: err.error, reason: err.reason });
  const promise = Promise.reject(failure);
  promise.catch(() => undefined);
  emitter.cancel = () => emitter.emit('complete', { ok: false, status: 'cancelled' });
  emitter.then = (ok?: (v: unknown) => unknown, bad?: (e: unknown) => unknown) => promise.then(ok, bad ?? (() => undefined));
  emitter.catch = (bad: (e: unknown) => unknown) => promise.catch(bad);
  setImmediate(() => emitter.emit('error', failure));
  emitter.on('error', () => undefined);
  return emitter;
}

/**
 * couch_replicator_docs:before_doc_update, for what matters here: a replication document must
 * name its endpoints by URL. The daemon's own state updates (role `_replicator`) pass.
 */
export function installReplicatorDbWrappers(db: PouchDatabase): void {
  const check = async (doc: CouchDoc, options: AccessOptions | undefined) => {
    if (options?.userCtx?.roles?.includes('_replicator')) return;
    const id = String(doc._id ?? '');
    if (doc._deleted === true || id.startsWith('_design/') || id.startsWith('_local/')) return;
    for (const key of ['source', 'target']) {
      try {
        parseEndpoint(doc[key]);
      } catch (err) {
        throw new CouchError(403, 'forbidden', err instanceof CouchError ? err.reason : String(err));
      }
    }
  };
  const one = (docOf: (args: any) => CouchDoc) => async (orig: () => Promise<unknown>, args: any) => {
    await check(docOf(args), args.options);
    return orig();
  };
  wrappers.installWrapperMethods(db, {
    put: one((a) => a.doc),
    post: one((a) => a.doc),
    bulkDocs: createBulkDocsWrapper((doc: CouchDoc, args: any) => check(doc, args.options)),
  });
}
