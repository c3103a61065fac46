// The request gate CouchDB runs before any handler (chttpd_auth_request:authorize_request),
// followed by `_rewrite` dispatch. A rewrite in CouchDB re-enters the whole request pipeline,
// so the target is authorized again: climbing into `_users` meets the `_users` rules.
import type { NextFunction, Request, Response } from 'express';
import { createRequire } from 'node:module';
import { isLegalDbName } from './databases.js';
import { CouchError, denial, notFound, sendCouchError } from './errors.js';
import { pathParts, queryPairs } from './request.js';
import { quote, rewriteArray } from './rewrite.js';
import { usersDbRequest } from './users-routes.js';
import { isDbAdmin, isMember, isServerAdmin, userCtxOf } from './userctx.js';
import { configOf, type CouchDoc, type CouchRequest, type EpApp, type PouchDatabase, type UserCtx } from './types.js';

const require = createRequire(import.meta.url);
const cleanFilename: (name: string) => string = require('express-pouchdb/lib/clean-filename.js');
const { getOrCreateDB } = require('express-pouchdb/lib/create-or-delete-dbs.js');

// Server paths CouchDB serves without a server admin (server_authorization_check).
const OPEN_SERVER_PATHS = ['_up', '_uuids', '_session', '_stats', '_active_tasks', '_utils', '_replicate', '_dbs_info'];

const requireServerAdmin = (u: UserCtx) => {
  if (!isServerAdmin(u)) throw new CouchError(401, 'unauthorized', 'You are not a server admin.');
};

/** The database a request names, opened and wrapped the way express-pouchdb's routes do. */
export async function openDb(req: CouchRequest, name: string): Promise<PouchDatabase> {
  // no database can have such a name, so CouchDB finds none; it never reaches a file name
  if (!isLegalDbName(name)) throw new CouchError(404, 'not_found', 'Database does not exist.');
  const clean = cleanFilename(name);
  if (!(await req.PouchDB.allDbs()).includes(clean)) throw new CouchError(404, 'not_found', 'Database does not exist.');
  const db: PouchDatabase = await getOrCreateDB(req.PouchDB, clean);
  return (req.app as EpApp).dbWrapper.wrap(clean, db);
}

function authorizeServerPath(req: CouchRequest, parts: string[], u: UserCtx): void {
  const [first] = parts;
  if (first === '_all_dbs' || first === '_dbs_info') {
    if (configOf(req).chttpd('admin_only_all_dbs') !== 'false') requireServerAdmin(u);
    return;
  }
  if (first === '_replicate' && u.name === null) {
    throw new CouchError(401, 'unauthorized', 'You are not an authenticated user');
  }
  if (!OPEN_SERVER_PATHS.includes(first)) requireServerAdmin(u);
}

async function authorize(req: CouchRequest, parts: string[]): Promise<void> {
  if (parts.length === 0) return;
  const u = userCtxOf(req);
  const config = configOf(req);
  const [first, second] = parts;
  const systemDb = first === config.usersDbName() || first === '_replicator';
  if (first.startsWith('_') && !systemDb) {
    authorizeServerPath(req, parts, u);
    return;
  }
  if (parts.length === 1 && (req.method === 'PUT' || req.method === 'DELETE')) {
    requireServerAdmin(u);
    if (req.method === 'PUT') return; // the database does not exist yet
  }
  if (systemDb && (second === '_all_docs' || second === '_changes')) requireServerAdmin(u);
  if (['_purge', '_purged_infos_limit', '_sync_shards'].includes(second)) requireServerAdmin(u);
  const db = await openDb(req, first);
  const sec = await db.getSecurity();
  req.db = db;
  if (!isMember(u, sec)) {
    throw denial(u, 'You are not allowed to access this db.', 'You are not authorized to access this db.');
  }
  if ((second === '_compact' || second === '_view_cleanup') && !isDbAdmin(u, sec)) {
    throw new CouchError(401, 'unauthorized', 'You are not a server or db admin.');
  }
}

/** Where `/:db/_design/:ddoc/_rewrite/...` goes, as a raw URL. */
async function rewriteTarget(req: CouchRequest, parts: string[]): Promise<string> {
  const [dbName, , ddocName] = parts;
  let ddoc: CouchDoc;
  try {
    // read as the server, like CouchDB's ddoc cache: the caller's access was checked above
    ddoc = await (req.db as PouchDatabase).get(`_design/${ddocName}`);
  } catch (err) {
    if ((err as { status?: number }).status === 404) throw notFound();
    throw err;
  }
  const rules = ddoc.rewrites;
  if (rules === undefined) throw new CouchError(404, 'rewrite_error', 'Invalid path.');
  if (!Array.isArray(rules)) {
    throw new CouchError(501, 'not_implemented', 'The embedded server supports only array rewrite rules.');
  }
  return rewriteArray(rules, {
    method: req.method,
    pathParts: parts.slice(4),
    query: queryPairs(req.url),
    prefix: `/${quote(dbName)}/_design/${quote(ddocName)}`,
    secureRewrites: configOf(req).chttpd('secure_rewrites') !== 'false',
  });
}

/** express-pouchdb JSON-decodes query values for PouchDB; redo that for a rewritten URL. */
function refreshQuery(req: CouchRequest): void {
  const parse: (qs: string) => Record<string, unknown> = req.app.get('query parser fn');
  const i = req.url.indexOf('?');
  const query = parse(i === -1 ? '' : req.url.slice(i + 1));
  for (const [key, value] of Object.entries(query)) {
    try {
      query[key] = JSON.parse(String(value));
    } catch {
      // not JSON: keep the string
    }
  }
  req.query = query as Request['query'];
}

async function authorizeAndRewrite(req: CouchRequest, res: Response, next: NextFunction): Promise<void> {
  let parts = pathParts(req.url);
  await authorize(req, parts);
  while (parts.length >= 4 && parts[1] === '_design' && parts[3] === '_rewrite') {
    const done = req.couchRewrites ?? 0;
    if (done >= configOf(req).int('chttpd', 'rewrite_limit', configOf(req).int('httpd', 'rewrite_limit', 100))) {
      throw new CouchError(400, 'bad_request', 'Exceeded rewrite recursion limit');
    }
    req.couchRewrites = done + 1;
    req.url = await rewriteTarget(req, parts);
    refreshQuery(req);
    parts = pathParts(req.url);
    await authorize(req, parts);
  }
  const inUsersDb = parts.length > 1 && parts[0] === configOf(req).usersDbName();
  if (inUsersDb && (await usersDbRequest(req, res, parts))) return;
  next();
}

export function authorizeMiddleware(req: Request, res: Response, next: NextFunction): void {
  authorizeAndRewrite(req as CouchRequest, res, next).catch((err) => sendCouchError(req, res, err));
}
