// HTTP rules for `_users` that express-pouchdb lacks. Runs after authorization and rewriting, so
// a rewrite that climbs into `_users` meets the same rules as a direct request.
import type { Response } from 'express';
import { CouchError, notFound, sendJson } from './errors.js';
import { afterDocRead, checkSecurityEditable, couchOrder, DDOC_DENIAL } from './users-db.js';
import { readBody } from './request.js';
import { isDbAdmin, userCtxOf } from './userctx.js';
import { configOf, type CouchDoc, type CouchRequest, type PouchDatabase, type SecurityObject } from './types.js';

/** Splits `[db, ...]` into the doc id and what follows it (`_design/x` is one id). */
export function docPath(parts: string[]): { id: string; rest: string[] } | null {
  if (parts.length < 2) return null;
  if (parts[1] === '_design' || parts[1] === '_local') {
    return parts.length < 3 ? null : { id: `${parts[1]}/${parts[2]}`, rest: parts.slice(3) };
  }
  return { id: parts[1], rest: parts.slice(2) };
}

/**
 * Handles (or refuses) the `_users` requests express-pouchdb gets wrong for non-admins.
 * Resolves true when it answered, false to let express-pouchdb continue.
 */
export async function usersDbRequest(req: CouchRequest, res: Response, parts: string[]): Promise<boolean> {
  const config = configOf(req);
  const userCtx = userCtxOf(req);
  const db = req.db as PouchDatabase;
  if (parts[1] === '_security' && req.method === 'PUT') checkSecurityEditable(config);
  const sec: SecurityObject = await db.getSecurity();
  if (isDbAdmin(userCtx, sec)) return false;

  if (parts[1] === '_design_docs') {
    await designDocs(req, res, db);
    return true;
  }
  if (parts[1] === '_local_docs') throw new CouchError(403, 'forbidden', 'Only admins can access _local_docs');
  if (parts.length === 2 && (parts[1] === '_revs_diff' || parts[1] === '_missing_revs') && req.method === 'POST') {
    // revisions only, no bodies: members may ask (fabric:get_missing_revs)
    await revsDiff(req, res, db, parts[1]);
    return true;
  }
  const target = docPath(parts);
  if (!target || (target.id.startsWith('_') && !target.id.startsWith('_design/') && !target.id.startsWith('_local/'))) {
    return false;
  }
  if (target.id.startsWith('_local/')) {
    // local docs are not user docs: no after_doc_read, and writes meet before_doc_update
    if ((req.method === 'GET' || req.method === 'HEAD') && target.rest.length === 0) {
      const doc = await db.get(target.id).catch((err: { status?: number }) => {
        throw err.status === 404 ? notFound() : err;
      });
      sendJson(res, 200, doc);
      return true;
    }
    if (req.method === 'DELETE' && target.rest.length === 0) {
      const rev = typeof req.query.rev === 'string' ? req.query.rev : req.headers['if-match']?.replace(/"/g, '');
      const result = await db.remove(target.id, rev ?? '', { userCtx: { ...userCtx, db: config.usersDbName() }, secObj: sec });
      sendJson(res, 200, result);
      return true;
    }
    return false;
  }
  const reading = ['GET', 'HEAD', 'COPY'].includes(req.method);
  if (target.id.startsWith('_design/')) {
    // the design doc itself, its attachments and COPY: only _show/_update (and friends) run;
    // views and lists read the design doc as the caller (fabric:query_view), so they are refused
    const functionCall = target.rest.length > 0 && target.rest[0].startsWith('_');
    if (!functionCall && reading) throw new CouchError(403, 'forbidden', DDOC_DENIAL);
    if (functionCall && (target.rest[0] === '_view' || target.rest[0] === '_list')) throw new CouchError(403, 'forbidden', DDOC_DENIAL);
    return false;
  }
  if (req.method === 'DELETE' && target.rest.length === 0) {
    await deleteUserDoc(req, res, db, target.id, sec);
    return true;
  }
  if (req.method === 'COPY' && target.rest.length === 0) {
    await copyUserDoc(req, res, db, target.id, sec);
    return true;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const found = await db.get(target.id, { ...(req.query as object) });
  if (Array.isArray(found)) {
    // ?open_revs: every returned revision goes through the same filter
    const rows = found.map((row: { ok?: CouchDoc }) => (row.ok ? { ok: couchOrder(afterDocRead(row.ok, userCtx, sec, config)) } : row));
    sendJson(res, 200, rows);
    return true;
  }
  const doc = couchOrder(afterDocRead(found, userCtx, sec, config));
  if (target.rest.length === 0) {
    sendJson(res, 200, doc, typeof doc._rev === 'string' ? { ETag: `"${doc._rev}"` } : {});
    return true;
  }
  // an attachment: only for whoever may see the whole doc
  const name = target.rest.join('/');
  const info = (doc._attachments as Record<string, { content_type?: string }> | undefined)?.[name];
  if (!info) throw notFound('Document is missing attachment');
  const data = await db.getAttachment(target.id, name);
  res.status(200).setHeader('Content-Type', info.content_type ?? 'application/octet-stream');
  const csp = config.csp('attachments');
  if (csp !== undefined) res.setHeader('Content-Security-Policy', csp);
  res.send(data);
  return true;
}

/** The owner may delete their own doc (validate_doc_update decides); express-pouchdb cannot. */
async function deleteUserDoc(req: CouchRequest, res: Response, db: PouchDatabase, id: string, sec: SecurityObject) {
  const ifMatch = req.headers['if-match'];
  const rev = typeof req.query.rev === 'string' ? req.query.rev : ifMatch?.replace(/"/g, '');
  if (!rev) throw new CouchError(409, 'conflict', 'Document update conflict.');
  const userCtx = { ...userCtxOf(req), db: configOf(req).usersDbName() };
  const result = await db.remove(id, rev, { userCtx, secObj: sec });
  sendJson(res, 200, result);
}

/** COPY: the source is read as a GET by the caller would read it, the copy written as theirs. */
async function copyUserDoc(req: CouchRequest, res: Response, db: PouchDatabase, id: string, sec: SecurityObject) {
  const config = configOf(req);
  const userCtx = userCtxOf(req);
  const destination = req.headers.destination;
  if (typeof destination !== 'string' || destination === '') throw new CouchError(400, 'bad_request', 'Destination header is mandatory for COPY.');
  const [rawId, query = ''] = destination.split('?');
  let destId: string;
  try {
    destId = decodeURIComponent(rawId);
  } catch {
    throw new CouchError(400, 'bad_request', 'Invalid Destination header.');
  }
  const destRev = new URLSearchParams(query).get('rev') ?? undefined;
  const rev = typeof req.query.rev === 'string' ? req.query.rev : undefined;
  const source = afterDocRead(await db.get(id, rev ? { rev } : {}), userCtx, sec, config);
  const copy: CouchDoc = { _id: destId };
  if (destRev) copy._rev = destRev;
  for (const [key, value] of Object.entries(source)) if (!key.startsWith('_')) copy[key] = value;
  const result = await db.put(copy, { userCtx: { ...userCtx, db: config.usersDbName() }, secObj: sec });
  sendJson(res, 201, { ok: true, id: result.id, rev: result.rev }, { ETag: `"${result.rev}"` });
}

/**
 * `_design_docs` of `_users` for a non-admin, as chttpd_db answers it: the rows, and with
 * include_docs a `null` doc for each (after_doc_read refuses them the design docs).
 */
async function designDocs(req: CouchRequest, res: Response, db: PouchDatabase) {
  const q = req.query as Record<string, unknown>;
  const parsed = req.method === 'POST' ? await jsonBody(req) : {};
  const body = (parsed && typeof parsed === 'object' ? parsed : {}) as Record<string, unknown>;
  const descending = q.descending === true || q.descending === 'true';
  const includeDocs = q.include_docs === true || q.include_docs === 'true';
  const keys = Array.isArray(body.keys) ? body.keys : Array.isArray(q.keys) ? q.keys : undefined;
  const opts: Record<string, unknown> = { descending };
  for (const key of ['limit', 'skip']) if (typeof q[key] === 'number') opts[key] = q[key];
  const low = '_design/';
  const high = '_design0';
  const clamp = (value: unknown, fallback: string) => {
    const v = typeof value === 'string' ? value : fallback;
    return v < low ? low : v > high ? high : v;
  };
  if (keys) opts.keys = keys.filter((k): k is string => typeof k === 'string' && k.startsWith(low));
  else {
    const start = clamp(q.startkey ?? q.start_key, descending ? high : low);
    const end = clamp(q.endkey ?? q.end_key, descending ? low : high);
    Object.assign(opts, { startkey: start, endkey: end });
  }
  const result = await (db as any).allDocs(opts);
  const rows = result.rows.map((row: Record<string, unknown>) => (includeDocs && !row.error ? { ...row, doc: null } : row));
  // CouchDB counts the design docs here, not the whole database
  const total = (await (db as any).allDocs({ startkey: low, endkey: high })).rows.length;
  sendJson(res, 200, { total_rows: total, offset: result.offset, rows });
}

/** `_revs_diff` and `_missing_revs`: which of the given revisions the database lacks. */
export async function revsDiff(req: CouchRequest, res: Response, db: PouchDatabase, kind: '_revs_diff' | '_missing_revs') {
  const body = req.body !== undefined && typeof req.body === 'object' && Object.keys(req.body as object).length ? req.body : await jsonBody(req);
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new CouchError(400, 'bad_request', 'Request body must be a JSON object');
  for (const revs of Object.values(body)) {
    if (!Array.isArray(revs) || revs.some((r) => typeof r !== 'string')) throw new CouchError(400, 'bad_request', 'Invalid revision list');
  }
  const diff: Record<string, { missing: string[]; possible_ancestors?: string[] }> = await (db as any).revsDiff(body);
  if (kind === '_revs_diff') {
    sendJson(res, 200, diff);
    return;
  }
  sendJson(res, 200, { missing_revs: Object.fromEntries(Object.entries(diff).map(([id, d]) => [id, d.missing])) });
}

/** The request body as JSON, read here because this runs ahead of express-pouchdb's parsers. */
async function jsonBody(req: CouchRequest): Promise<unknown> {
  const text = await readBody(req);
  if (text === 'undefined') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new CouchError(400, 'bad_request', 'invalid UTF-8 JSON');
  }
}
