// The request object CouchDB 3.4 hands to shows, lists and updates (chttpd_external:json_req_obj):
// query values are strings (key/startkey/endkey/descending JSON-decoded), the body is a string,
// and Authorization, Cookie and X-Auth-CouchDB-Token are scrubbed from the headers.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { CouchError } from './errors.js';
import { functionUserCtx } from './userctx.js';
import type { CouchRequest, PouchDatabase, SecurityObject, UserCtx } from './types.js';

const require = createRequire(import.meta.url);
const normalizeHeaderCase: (name: string) => string = require('header-case-normalizer');
const parseRawBody: (req: unknown, res: unknown, next: (err?: unknown) => void) => void =
  require('express-pouchdb/lib/utils.js').parseRawBody;

const SCRUBBED_HEADERS = ['authorization', 'cookie', 'x-auth-couchdb-token'];
const JSON_QUERY_KEYS = ['key', 'startkey', 'endkey', 'descending'];

export interface JsRequest {
  info: unknown;
  id: string | null;
  uuid: string;
  method: string;
  requested_path: string[];
  path: string[];
  raw_path: string;
  query: Record<string, unknown>;
  headers: Record<string, string>;
  body: string;
  peer: string;
  form: Record<string, string>;
  cookie: Record<string, string>;
  userCtx: UserCtx & { db: string };
  secObj: SecurityObject;
}

/** Splits a raw URL path on "/" and decodes each segment (so `%2F` stays inside a segment). */
export function pathParts(rawUrl: string): string[] {
  const path = rawUrl.split('?')[0];
  try {
    return path.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
  } catch {
    throw new CouchError(400, 'bad_request', 'invalid UTF-8 JSON');
  }
}

export function queryPairs(rawUrl: string): Array<[string, string]> {
  const i = rawUrl.indexOf('?');
  return i === -1 ? [] : [...new URLSearchParams(rawUrl.slice(i + 1))];
}

function jsQuery(rawUrl: string): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const [key, value] of queryPairs(rawUrl)) {
    let v: unknown = value;
    if (JSON_QUERY_KEYS.includes(key)) {
      try {
        v = JSON.parse(value);
      } catch {
        throw new CouchError(400, 'bad_request', `invalid JSON in query parameter ${key}`);
      }
    }
    query[key] = v;
  }
  return query;
}

function jsHeaders(req: CouchRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    const name = req.rawHeaders[i];
    if (SCRUBBED_HEADERS.includes(name.toLowerCase())) continue;
    const key = normalizeHeaderCase(name);
    headers[key] = key in headers ? `${headers[key]}, ${req.rawHeaders[i + 1]}` : req.rawHeaders[i + 1];
  }
  // mochiweb lists headers sorted by name
  const sorted = Object.fromEntries(Object.entries(headers).sort(([a], [b]) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)));
  // couchdb-render picks a `provides` type from headers.Accept and fails without one; a hidden
  // default keeps the request as the client sent it when the function lists its headers.
  if (!('Accept' in sorted)) Object.defineProperty(sorted, 'Accept', { value: '*/*', enumerable: false });
  return sorted;
}

/** Reads the request body once (express-pouchdb's raw-body parser) as CouchDB's body string. */
export function readBody(req: CouchRequest): Promise<string> {
  if (req.rawBody) return Promise.resolve(req.rawBody.toString('utf8') || 'undefined');
  return new Promise((resolve, reject) =>
    parseRawBody(req, undefined, (err) => (err ? reject(err) : resolve(req.rawBody?.toString('utf8') || 'undefined'))),
  );
}

export interface JsRequestParts {
  db: PouchDatabase;
  dbName: string;
  docId: string | null;
  userCtx: UserCtx;
  secObj: SecurityObject;
  body: string;
}

export async function buildJsRequest(req: CouchRequest, p: JsRequestParts): Promise<JsRequest> {
  const rawUrl = req.url;
  const contentType = String(req.headers['content-type'] ?? '');
  const formBody = /^application\/x-www-form-urlencoded/.test(contentType) && ['POST', 'PUT'].includes(req.method);
  return {
    info: await p.db.info(),
    id: p.docId,
    uuid: randomUUID().replace(/-/g, ''),
    method: req.method,
    // after a rewrite CouchDB re-dispatches a new request, so both paths are the rewritten ones
    requested_path: rawUrl.split('/').filter(Boolean).map(safeDecode),
    path: pathParts(rawUrl),
    raw_path: rawUrl,
    query: jsQuery(rawUrl),
    headers: jsHeaders(req),
    body: p.body,
    peer: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
    form: formBody && p.body !== 'undefined' ? Object.fromEntries(new URLSearchParams(p.body)) : {},
    cookie: {},
    userCtx: functionUserCtx(p.userCtx, p.dbName),
    secObj: p.secObj,
  };
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}
