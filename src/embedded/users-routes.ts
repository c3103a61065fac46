// HTTP rules for `_users` that express-pouchdb lacks. Runs after authorization and rewriting, so
// a rewrite that climbs into `_users` meets the same rules as a direct request.
import type { Response } from 'express';
import { CouchError, notFound, sendJson } from './errors.js';
import { afterDocRead, checkSecurityEditable, couchOrder, DDOC_DENIAL } from './users-db.js';
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
    throw new CouchError(403, 'forbidden', 'Only admins can access _all_docs of system databases.');
  }
  if (parts[1] === '_local_docs') throw new CouchError(403, 'forbidden', 'Only admins can access _local_docs');
  const target = docPath(parts);
  if (!target || target.id.startsWith('_local/') || (target.id.startsWith('_') && !target.id.startsWith('_design/'))) {
    return false;
  }
  const reading = ['GET', 'HEAD', 'COPY'].includes(req.method);
  if (target.id.startsWith('_design/')) {
    // the design doc itself, its attachments and COPY: only _show/_update (and friends) run
    const functionCall = target.rest.length > 0 && target.rest[0].startsWith('_');
    if (!functionCall && reading) throw new CouchError(403, 'forbidden', DDOC_DENIAL);
    return false;
  }
  if (req.method === 'DELETE' && target.rest.length === 0) {
    await deleteUserDoc(req, res, db, target.id, sec);
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
