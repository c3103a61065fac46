// Server-level endpoints as a single-node CouchDB 3.4.3 answers them: the welcome document,
// `_membership`, and `/_node/{_local|nonode@nohost}/_config` with CouchDB's string semantics.
// Settings take effect as they are written, so `_restart` has nothing left to do.
import type { NextFunction, Request, Response } from 'express';
import { randomBytes } from 'node:crypto';
import { CouchError, sendCouchError, sendJson } from './errors.js';
import { isServerAdmin, userCtxOf } from './userctx.js';
import { configOf, type CouchRequest, type EpApp } from './types.js';

export const NODE_NAME = 'nonode@nohost';
export const COUCHDB_VERSION = '3.4.3';
export const VENDOR = { name: 'couch-registry embedded', version: '4.2.0' };

// couch_util:check_config_blacklist
const BLACKLISTED_SECTIONS = [
  'daemons', 'external', 'httpd_design_handlers', 'httpd_db_handlers', 'httpd_global_handlers',
  'native_query_servers', 'os_daemons', 'query_servers', 'feature_flags',
];

type Handler = (req: CouchRequest, res: Response) => Promise<void> | void;

function route(handler: Handler, { admin = true } = {}) {
  return (req: Request, res: Response) => {
    Promise.resolve()
      .then(() => {
        if (admin && !isServerAdmin(userCtxOf(req as CouchRequest))) {
          throw new CouchError(401, 'unauthorized', 'You are not a server admin.');
        }
        return handler(req as CouchRequest, res);
      })
      .catch((err) => sendCouchError(req, res, err));
  };
}

/** `/_node/{node}/rest` is `/rest` on our only node; other node names do not exist. */
export function nodePaths(req: Request, res: Response, next: NextFunction): void {
  const m = /^\/_node\/([^/?]+)(\/[^?]*)?(\?.*)?$/.exec(req.url);
  if (!m) return next();
  const node = decodeURIComponent(m[1]);
  if (node !== '_local' && node !== NODE_NAME) {
    sendJson(res, 404, { error: 'not_found', reason: `unknown node ${node}` });
    return;
  }
  // the bare `/_node/_local` is answered by nodeRoutes; everything below it is re-routed
  if (m[2] && m[2] !== '/') req.url = m[2] + (m[3] ?? '');
  next();
}

async function putConfig(req: CouchRequest, res: Response): Promise<void> {
  const { section, key } = req.params;
  if (BLACKLISTED_SECTIONS.includes(section)) {
    throw new CouchError(403, 'forbidden', 'Config section blacklisted for modification over HTTP API.');
  }
  let value: unknown;
  try {
    value = JSON.parse((req.rawBody ?? Buffer.alloc(0)).toString('utf8'));
  } catch {
    throw new CouchError(400, 'bad_request', 'invalid_json');
  }
  if (typeof value !== 'string') throw new CouchError(400, 'bad_request', 'a JSON string expected');
  const old = await configOf(req).set(section, key, value.trim());
  sendJson(res, 200, old ?? '');
}

async function deleteConfig(req: CouchRequest, res: Response): Promise<void> {
  const { section, key } = req.params;
  if (BLACKLISTED_SECTIONS.includes(section)) {
    throw new CouchError(403, 'forbidden', 'Config section blacklisted for modification over HTTP API.');
  }
  const config = configOf(req);
  if (config.get(section, key) === undefined) throw new CouchError(404, 'not_found', 'unknown_config_value');
  sendJson(res, 200, await config.delete(section, key));
}

function getConfigValue(req: CouchRequest, res: Response): void {
  const value = configOf(req).get(req.params.section, req.params.key);
  if (value === undefined) throw new CouchError(404, 'not_found', 'unknown_config_value');
  sendJson(res, 200, value);
}

function welcome(req: CouchRequest, res: Response): void {
  sendJson(res, 200, {
    couchdb: 'Welcome',
    version: COUCHDB_VERSION,
    uuid: configOf(req).get('couchdb', 'uuid'),
    features: ['access-ready', 'partitioned', 'pluggable-storage-engines', 'reshard', 'scheduler'],
    vendor: VENDOR,
  });
}

/** GET /_uuids: CouchDB's are 32 hex digits (express-pouchdb's had dashes). */
function uuids(req: CouchRequest, res: Response): void {
  const count = Number(req.query.count ?? 1);
  const max = configOf(req).int('uuids', 'max_count', 1000);
  if (!Number.isInteger(count) || count < 1) throw new CouchError(400, 'bad_request', 'count must be a positive integer');
  if (count > max) throw new CouchError(400, 'bad_request', 'count parameter too large');
  res.setHeader('Cache-Control', 'must-revalidate, no-cache');
  sendJson(res, 200, { uuids: Array.from({ length: count }, () => randomBytes(16).toString('hex')) });
}

export function registerUuids(app: EpApp): void {
  app.get('/_uuids', route(uuids, { admin: false }));
}

/** Replaces express-pouchdb's root, cluster and config parts. */
export function registerNodeRoutes(app: EpApp, rawBody: (req: Request, res: Response, next: NextFunction) => void) {
  app.get('/', route(welcome, { admin: false }));
  app.get('/_up', route((_req, res) => sendJson(res, 200, { status: 'ok', seeds: {} }), { admin: false }));
  app.get('/_membership', route((_req, res) => sendJson(res, 200, { all_nodes: [NODE_NAME], cluster_nodes: [NODE_NAME] })));
  app.get('/_node/:node', route((_req, res) => sendJson(res, 200, { name: NODE_NAME })));
  app.post('/_restart', route((_req, res) => sendJson(res, 200, { ok: true })));
  app.get('/_config', route((req, res) => sendJson(res, 200, configOf(req).all())));
  app.get('/_config/:section', route((req, res) => sendJson(res, 200, configOf(req).section(req.params.section))));
  app.get('/_config/:section/:key', route(getConfigValue));
  app.put('/_config/:section/:key', rawBody, route(putConfig));
  app.delete('/_config/:section/:key', route(deleteConfig));
}
