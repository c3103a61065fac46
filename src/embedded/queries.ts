// Multi-document reads express-pouchdb ran as the server instead of as the caller. In `_users`
// they must filter every document the way a plain GET does (couch_users_db:after_doc_read):
// `_bulk_get` and `_find` handed anonymous callers every password hash and design doc.
import type { NextFunction, Request, Response } from 'express';
import { createRequire } from 'node:module';
import { CouchError, denial, sendCouchError, sendJson, toCouchError } from './errors.js';
import { afterDocRead, couchOrder } from './users-db.js';
import { revsDiff } from './users-routes.js';
import { isDbAdmin, userCtxOf } from './userctx.js';
import { configOf, type CouchDoc, type CouchRequest, type EpApp, type PouchDatabase, type SecurityObject } from './types.js';

const require = createRequire(import.meta.url);
const { jsonParser } = require('express-pouchdb/lib/utils.js');
const selectorCore = require('pouchdb-selector-core');

type Handler = (req: CouchRequest, res: Response, next: NextFunction) => Promise<void>;

function wrap(handler: Handler) {
  return (req: Request, res: Response, next: NextFunction) => {
    handler(req as CouchRequest, res, next).catch((err) => sendCouchError(req, res, err));
  };
}

interface Caller {
  db: PouchDatabase;
  sec: SecurityObject;
  /** the doc as this caller may see it, or throws as a GET of it would */
  view: (doc: CouchDoc) => CouchDoc;
  filtered: boolean;
}

async function caller(req: CouchRequest): Promise<Caller> {
  const db = req.db as PouchDatabase;
  const sec = req.couchSecurityObj ?? (await db.getSecurity());
  const userCtx = userCtxOf(req);
  const config = configOf(req);
  const filtered = req.params.db === config.usersDbName() && !isDbAdmin(userCtx, sec);
  return { db, sec, filtered, view: (doc) => (filtered ? couchOrder(afterDocRead(doc, userCtx, sec, config)) : couchOrder(doc)) };
}

/** POST /:db/_bulk_get, answered in CouchDB's shape (express-pouchdb dropped PouchDB 9's errors). */
const bulkGet: Handler = async (req, res) => {
  const body = req.body as { docs?: unknown };
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new CouchError(400, 'bad_request', 'Request body must be a JSON object');
  if (!Array.isArray(body.docs)) throw new CouchError(400, 'bad_request', "Missing JSON list of 'docs'");
  const c = await caller(req);
  const result = await (c.db as any).bulkGet({ ...(req.query as object), ...body });
  const results = result.results.map((row: { id: string; docs: Array<{ ok?: CouchDoc; error?: unknown }> }) => ({
    id: row.id,
    docs: row.docs.map((entry) => {
      if (!entry.ok) {
        // PouchDB 9 puts whole error objects (stack included) here
        const e = toCouchError(entry.error);
        return { error: { id: row.id, rev: (entry.error as { rev?: string })?.rev ?? 'undefined', error: e.error, reason: e.reason } };
      }
      try {
        return { ok: c.view(entry.ok) };
      } catch (err) {
        const e = toCouchError(err);
        return { error: { id: row.id, rev: entry.ok._rev, error: e.error, reason: e.reason } };
      }
    }),
  }));
  sendJson(res, 200, { results });
};

/**
 * POST /_users/_find for non-admins, as mango runs it there: every document is read as the
 * caller may read it (couch_users_db:after_doc_read on the shard) before the selector sees it,
 * so a selector never looks at another user's password fields. Matching on the stored documents
 * and hiding fields afterwards made `derived_key: {$regex}` an oracle for every hash (D2, docs/stand-in.md).
 */
const usersFind: Handler = async (req, res, next) => {
  const c = await caller(req);
  if (!c.filtered) return next();
  const body = req.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new CouchError(400, 'bad_request', 'Request body must be a JSON object');
  if (!body.selector || typeof body.selector !== 'object' || Array.isArray(body.selector)) {
    throw new CouchError(400, 'missing_required_key', 'Missing required key: selector');
  }
  let selector: Record<string, unknown>;
  try {
    selector = selectorCore.massageSelector(body.selector);
  } catch (err) {
    throw new CouchError(400, 'invalid_operator', (err as Error).message);
  }
  const all: { rows: Array<{ doc?: CouchDoc }> } = await (c.db as any).allDocs({ include_docs: true });
  const readable = all.rows.flatMap((row) => {
    if (!row.doc) return [];
    try {
      return [{ doc: c.view(row.doc) }];
    } catch {
      // design docs (forbidden) and docs with nothing public (not_found) are skipped
      return [];
    }
  });
  const limit = typeof body.limit === 'number' ? body.limit : 25;
  const skip = typeof body.skip === 'number' ? body.skip : 0;
  const request: Record<string, unknown> = { selector, limit, skip };
  if (Array.isArray(body.sort) && body.sort.length) request.sort = body.sort;
  const rows: Array<{ doc: CouchDoc }> = selectorCore.filterInMemoryFields(readable, request, Object.keys(selector));
  const fields = Array.isArray(body.fields) ? (body.fields as string[]) : undefined;
  const docs = rows.map((row) => project(row.doc, fields));
  const last = rows.length ? rows[rows.length - 1].doc._id : undefined;
  sendJson(res, 200, {
    docs,
    bookmark: last === undefined ? 'nil' : Buffer.from(JSON.stringify([last])).toString('base64url'),
    warning: 'No matching index found, create an index to optimize query time.',
  });
};

function project(doc: CouchDoc, fields: string[] | undefined): Record<string, unknown> {
  if (!Array.isArray(fields)) return doc;
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const path = field.split('.');
    let value: unknown = doc;
    for (const step of path) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[step] : undefined;
    if (value === undefined) continue;
    let target = out;
    for (const step of path.slice(0, -1)) target = (target[step] ??= {}) as Record<string, unknown>;
    target[path[path.length - 1]] = value;
  }
  return out;
}

/** Creating or deleting an index writes a design doc, which takes a db admin. */
const indexWrite: Handler = async (req, _res, next) => {
  const c = await caller(req);
  if (!isDbAdmin(userCtxOf(req), c.sec)) throw denial(userCtxOf(req), 'You are not a db or server admin.');
  next();
};

/** POST /:db/_missing_revs, which express-pouchdb took for a document named `_missing_revs`. */
const missingRevs: Handler = async (req, res) => revsDiff(req, res, req.db as PouchDatabase, '_missing_revs');

export function registerQueryRoutes(app: EpApp): void {
  app.post('/:db/_bulk_get', jsonParser, wrap(bulkGet));
  app.post('/:db/_missing_revs', jsonParser, wrap(missingRevs));
}

export function registerFindGuards(app: EpApp): void {
  app.post('/:db/_find', jsonParser, wrap(usersFind));
  app.post('/:db/_index', wrap(indexWrite));
  app.delete('/:db/_index/*', wrap(indexWrite));
}

/** express-pouchdb bundles pouchdb-find 7, which fails on PouchDB 9; installed later, 9 wins. */
export function preferCurrentPouchdbFind(app: EpApp): void {
  app.daemonManager.registerDaemon({ start: (PouchDB) => (PouchDB as any).plugin(require('pouchdb-find')) });
}

export function registerTempViewGone(app: EpApp): void {
  app.all('/:db/_temp_view', (_req: Request, res: Response) =>
    sendJson(res, 410, { error: 'gone', reason: 'Temporary views are not supported in CouchDB' }),
  );
}
