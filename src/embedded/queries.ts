// Multi-document reads express-pouchdb ran as the server instead of as the caller. In `_users`
// they must filter every document the way a plain GET does (couch_users_db:after_doc_read):
// `_bulk_get` and `_find` handed anonymous callers every password hash and design doc.
import type { NextFunction, Request, Response } from 'express';
import { createRequire } from 'node:module';
import { CouchError, denial, sendCouchError, sendJson, toCouchError } from './errors.js';
import { afterDocRead, couchOrder } from './users-db.js';
import { isDbAdmin, userCtxOf } from './userctx.js';
import { configOf, type CouchDoc, type CouchRequest, type EpApp, type PouchDatabase, type SecurityObject } from './types.js';

const require = createRequire(import.meta.url);
const { jsonParser } = require('express-pouchdb/lib/utils.js');

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

/** POST /_users/_find for non-admins: the public fields of other users, no design docs. */
const usersFind: Handler = async (req, res, next) => {
  const c = await caller(req);
  if (!c.filtered) return next();
  // filter whole documents first, project `fields` after, as CouchDB reads before it projects
  const { fields, ...query } = (req.body ?? {}) as { fields?: string[] };
  const result = await (c.db as any).find(query);
  const docs = result.docs.flatMap((doc: CouchDoc) => {
    try {
      return [project(c.view(doc), fields)];
    } catch {
      return [];
    }
  });
  sendJson(res, 200, { ...result, docs });
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

export function registerQueryRoutes(app: EpApp): void {
  app.post('/:db/_bulk_get', jsonParser, wrap(bulkGet));
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
