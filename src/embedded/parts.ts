// Which express-pouchdb parts the embedded server changes, and where its own middleware goes.
// express-pouchdb loads these in this order (lib/index.js), so the order here is the request
// pipeline: authentication, then CouchDB's authorization and rewrites, then the routes.
import type { NextFunction, Request, Response } from 'express';
import { createRequire } from 'node:module';
import { authorizeMiddleware } from './authorize.js';
import { registerDatabaseCreation } from './databases.js';
import { designRoute } from './design-call.js';
import { sendCouchError } from './errors.js';
import { handleList } from './list.js';
import { nodePaths, registerNodeRoutes, registerUuids } from './node.js';
import { preferCurrentPouchdbFind, registerFindGuards, registerQueryRoutes, registerTempViewGone } from './queries.js';
import { removeUsersDocEscalation, type PartHook } from './patch.js';
import { expectShape } from './shape.js';
import { installReplicatorDbWrappers, registerReplicate } from './replicate.js';
import { jwtAuthentication } from './session.js';
import { handleShow } from './show.js';
import { handleUpdate } from './update.js';
import { pathParts } from './request.js';
import { installUsersDbWrappers } from './users-db.js';
import { configOf, contextOf, type PouchDatabase } from './types.js';

const require = createRequire(import.meta.url);
const { parseRawBody } = require('express-pouchdb/lib/utils.js');

// Levels of express-pouchdb's logger that reach the caller's log; debug lines carry headers.
const LOGGED_LEVELS = ['info', 'warning', 'error'];

/** CouchDB marks attachments with `[csp] attachments_*` (a sandbox by default). */
function attachmentCsp(req: Request, res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD') {
    try {
      const parts = pathParts(req.url);
      const isAttachment = parts[1] === '_design' ? parts.length >= 4 && !parts[3].startsWith('_') : parts.length >= 3 && !parts[1].startsWith('_');
      const csp = configOf(req).csp('attachments');
      if (isAttachment && csp !== undefined) res.setHeader('Content-Security-Policy', csp);
    } catch {
      // a malformed path is refused by the route itself
    }
  }
  next();
}

export const PART_HOOKS: Record<string, PartHook> = {
  'logging-infrastructure': {
    after: (app) => {
      const log = contextOf(app).log;
      expectShape(app.couchLogger?._write, 2, 'express-pouchdb CouchLogger: _write');
      app.couchLogger._write = (level: string, message: string) => {
        if (LOGGED_LEVELS.includes(level)) log(`[${level}] ${message}`);
      };
    },
  },
  'routes/authentication': {
    after: (app) => {
      // installed first, so our _users rules run before validation and password hashing
      if (!Array.isArray(app.dbWrapper?._wrappers)) throw new Error('express-pouchdb DatabaseWrapper has no _wrappers list to add to');
      app.dbWrapper._wrappers.unshift((name: string, db: PouchDatabase, next: () => unknown) => {
        const config = contextOf(app).config;
        if (config && name === config.usersDbName()) installUsersDbWrappers(db, config);
        if (config && name === (config.get('replicator', 'db') ?? '_replicator')) installReplicatorDbWrappers(db);
        return next();
      });
      app.use(jwtAuthentication);
    },
  },
  'routes/cluster-rewrite': { replace: (app) => app.use(nodePaths) },
  'routes/rewrite': { replace: (app) => app.use(authorizeMiddleware) },
  'routes/root': { replace: (app) => registerNodeRoutes(app, parseRawBody) },
  'routes/cluster': { replace: () => undefined },
  'routes/config': { replace: () => undefined },
  'routes/uuids': { replace: registerUuids },
  'routes/replicate': { replace: registerReplicate },
  'routes/db': { before: registerDatabaseCreation },
  'routes/bulk-get': { replace: registerQueryRoutes },
  'routes/temp-views': { replace: registerTempViewGone },
  'routes/find': { before: registerFindGuards, after: preferCurrentPouchdbFind },
  'routes/show': { replace: (app) => app.use(designRoute('_show', handleShow)) },
  'routes/list': { replace: (app) => app.use(designRoute('_list', handleList)) },
  'routes/update': { replace: (app) => app.use(designRoute('_update', handleUpdate)) },
  'routes/attachments': { before: (app) => app.use(attachmentCsp) },
  'routes/documents': {
    replace: (app, original) => {
      const first = app._router.stack.length;
      original(app);
      removeUsersDocEscalation(app, first);
    },
  },
  'routes/404': {
    // express would otherwise answer an unexpected error with an HTML stack trace
    after: (app) => app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => sendCouchError(req, res, err)),
  },
};
