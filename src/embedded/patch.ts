// Runtime patches to express-pouchdb 4.2.0 and its plugins; node_modules is never edited.
//
// express-pouchdb builds its app from "parts" (lib/routes/*.js and friends), required one by one
// in a fixed order when the app is created. A part hook swaps a part's module export in
// require.cache for one that runs ours before, instead of, or after it: our middleware then
// sits exactly where the part it fixes would, with no reshuffling of express's router.
// Hooks read per-server state from the app, so patching once per process serves every server.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CouchError, functionError, sendCouchError, sendJson, toCouchError } from './errors.js';
import { AUTH_VALIDATE_DOC_UPDATE } from './auth-ddoc.js';
import { replacePouchdbValidation } from './validation.js';
import { multiUserLogIn } from './users-db.js';
import { hashAdminPasswords, parseAdmins } from './passwords.js';
import type { EpApp } from './types.js';

const require = createRequire(import.meta.url);
const EP_LIB = join(dirname(require.resolve('express-pouchdb/package.json')), 'lib');

type Part = (app: EpApp) => void;
export interface PartHook {
  before?: Part;
  /** runs instead of express-pouchdb's part; receives the original to delegate to */
  replace?: (app: EpApp, original: Part) => void;
  after?: Part;
}

const HOOKED = Symbol.for('couch-registry.embedded.hooked');

export function hookParts(hooks: Record<string, PartHook>): void {
  for (const [name, hook] of Object.entries(hooks)) {
    const file = require.resolve(join(EP_LIB, `${name}.js`));
    const original: Part & { [HOOKED]?: boolean } = require(file);
    if (original[HOOKED]) continue;
    const hooked = Object.assign(
      (app: EpApp) => {
        hook.before?.(app);
        if (hook.replace) hook.replace(app, original);
        else original(app);
        hook.after?.(app);
      },
      { [HOOKED]: true },
    );
    const cached = require.cache[file];
    if (!cached) throw new Error(`express-pouchdb part ${name} is not loadable`);
    cached.exports = hooked;
  }
}

/**
 * express-pouchdb's shared response helpers: JSON is always application/json (it answered
 * text/plain unless asked), and its blanket 401 denials are worded as CouchDB words them.
 */
function patchUtils(): void {
  const utils = require(join(EP_LIB, 'utils.js'));
  utils.sendJSON = (res: any, status: number, body: unknown) => sendJson(res, status, body);
  utils.setJsonOrPlaintext = (res: any) => res.setHeader('Content-Type', 'application/json');
  utils.sendError = (res: any, err: any, baseStatus?: number) => {
    const e = toCouchError(err);
    const status = typeof err?.status === 'number' ? e.status : (baseStatus ?? e.status);
    // as express-pouchdb did: PouchDB signals bad input with plain Errors
    const generic = !err?.name || err.name === 'Error' || err.name === 'TypeError';
    const error = !generic ? e.error : e.reason.includes('Bad special document member') ? 'doc_validation' : 'bad_request';
    sendCouchError(res.req, res, new CouchError(status, error, e.reason));
  };
}

/** Errors thrown inside design functions (couchdb-eval is shared by show/list/update/validate). */
function patchEval(): void {
  require('couchdb-eval').wrapExecutionError = functionError;
}

/** The `_users` validation pouchdb-auth stores, replaced by CouchDB 3.4.3's own. */
function patchAuthDesignDoc(): void {
  require('pouchdb-auth/lib/designdoc.js').validate_doc_update = AUTH_VALIDATE_DOC_UPDATE;
}

/** Logins verify passwords as CouchDB 3.4 does (PBKDF2-SHA256, every older scheme, a cache). */
function patchLogIn(): void {
  require('pouchdb-auth/lib/sessionapi.js').multiUserLogIn = multiUserLogIn;
  // the server admin's password too: hashed as CouchDB 3.4 hashes `[admins]`, read in every form
  const auth = require('pouchdb-auth');
  auth.hashAdminPasswords = (admins: Record<string, string>) => hashAdminPasswords(admins);
  require('pouchdb-auth/lib/admins.js').parse = parseAdmins;
}

let patched = false;

export function installModulePatches(hooks: Record<string, PartHook>): void {
  if (patched) return;
  patched = true;
  patchUtils();
  patchEval();
  patchAuthDesignDoc();
  replacePouchdbValidation();
  patchLogIn();
  hookParts(hooks);
}

/**
 * Removes the middleware that made a user `_admin` while they touch their own `_users` doc
 * (deviation C3). Fails loudly if express-pouchdb no longer looks the way this fix expects.
 */
export function removeUsersDocEscalation(app: EpApp, firstNewLayer: number): void {
  const stack = app._router.stack;
  const i = stack.findIndex((layer, n) => n >= firstNewLayer && !layer.route && /roles\.push\('_admin'\)/.test(String(layer.handle)));
  if (i === -1) throw new Error('express-pouchdb routes/documents changed: cannot remove the _users _admin escalation');
  stack.splice(i, 1);
}
