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
import { installValidation, uninstallValidation } from './validation.js';
import { multiUserLogIn } from './users-db.js';
import { hashAdminPasswords, parseAdmins } from './passwords.js';
import { expectShape, type Shape } from './shape.js';
import type { EpApp } from './types.js';

const require = createRequire(import.meta.url);
const EP_LIB = join(dirname(require.resolve('express-pouchdb/package.json')), 'lib');

/**
 * Replaces one export of module `id` (its `exports`, required by the caller with a literal name so
 * that the packages this file loads can be read off it), after checking it is still what the patch
 * was written for.
 */
function replaceExport(exports: Record<string, unknown>, id: string, name: string, shape: Shape, value: unknown): void {
  expectShape(exports?.[name], shape, `${id}: ${name}`);
  exports[name] = value;
}

type Part = (app: EpApp) => void;
export interface PartHook {
  before?: Part;
  /** runs instead of express-pouchdb's part; receives the original to delegate to */
  replace?: (app: EpApp, original: Part) => void;
  after?: Part;
}

const HOOKED = Symbol.for('couch-registry.embedded.hooked');
/** The hooked parts that ran for each app, to prove express-pouchdb still loads every one. */
const partsRun = new WeakMap<EpApp, Set<string>>();
const hookedParts = new Set<string>();

export function hookParts(hooks: Record<string, PartHook>): void {
  for (const [name, hook] of Object.entries(hooks)) {
    const file = require.resolve(join(EP_LIB, `${name}.js`));
    const original: Part & { [HOOKED]?: boolean } = require(file);
    if (original[HOOKED]) continue;
    expectShape(original, 1, `express-pouchdb part ${name}`);
    const hooked = Object.assign(
      (app: EpApp) => {
        if (!partsRun.has(app)) partsRun.set(app, new Set());
        partsRun.get(app)?.add(name);
        hook.before?.(app);
        if (hook.replace) hook.replace(app, original);
        else original(app);
        hook.after?.(app);
      },
      { [HOOKED]: true },
    );
    const cached = require.cache[file];
    if (!cached) throw new Error(`express-pouchdb part ${name} is not in Node's module cache: it cannot be hooked`);
    cached.exports = hooked;
    hookedParts.add(name);
  }
}

/** Throws unless every hooked part ran while express-pouchdb built `app` (its part list changed). */
export function checkPartsRan(app: EpApp): void {
  const ran = partsRun.get(app) ?? new Set<string>();
  const missing = [...hookedParts].filter((name) => !ran.has(name));
  if (missing.length) throw new Error(`express-pouchdb no longer loads the part(s) the embedded stand-in hooks: ${missing.join(', ')}`);
}

/**
 * express-pouchdb's shared response helpers: JSON is always application/json (it answered
 * text/plain unless asked), and its blanket 401 denials are worded as CouchDB words them.
 */
function patchUtils(): void {
  const id = 'express-pouchdb/lib/utils.js';
  const utils = require('express-pouchdb/lib/utils.js');
  replaceExport(utils, id, 'sendJSON', 3, (res: any, status: number, body: unknown) => sendJson(res, status, body));
  replaceExport(utils, id, 'setJsonOrPlaintext', 1, (res: any) => res.setHeader('Content-Type', 'application/json'));
  replaceExport(utils, id, 'sendError', 3, (res: any, err: any, baseStatus?: number) => {
    const e = toCouchError(err);
    const status = typeof err?.status === 'number' ? e.status : (baseStatus ?? e.status);
    // as express-pouchdb did: PouchDB signals bad input with plain Errors
    const generic = !err?.name || err.name === 'Error' || err.name === 'TypeError';
    const error = !generic ? e.error : e.reason.includes('Bad special document member') ? 'doc_validation' : 'bad_request';
    sendCouchError(res.req, res, new CouchError(status, error, e.reason));
  });
}

/** Errors thrown inside design functions (couchdb-eval is shared by show/list/update/validate). */
function patchEval(): void {
  replaceExport(require('couchdb-eval'), 'couchdb-eval', 'wrapExecutionError', 1, functionError);
}

/** The `_users` validation pouchdb-auth stores, replaced by CouchDB 3.4.3's own. */
function patchAuthDesignDoc(): void {
  replaceExport(require('pouchdb-auth/lib/designdoc.js'), 'pouchdb-auth/lib/designdoc.js', 'validate_doc_update', 'string', AUTH_VALIDATE_DOC_UPDATE);
}

/** Logins verify passwords as CouchDB 3.4 does (PBKDF2-SHA256, every older scheme, a cache). */
function patchLogIn(): void {
  replaceExport(require('pouchdb-auth/lib/sessionapi.js'), 'pouchdb-auth/lib/sessionapi.js', 'multiUserLogIn', 3, multiUserLogIn);
  // the server admin's password too: hashed as CouchDB 3.4 hashes `[admins]`, read in every form
  replaceExport(require('pouchdb-auth'), 'pouchdb-auth', 'hashAdminPasswords', 3, (admins: Record<string, string>) => hashAdminPasswords(admins));
  replaceExport(require('pouchdb-auth/lib/admins.js'), 'pouchdb-auth/lib/admins.js', 'parse', 1, parseAdmins);
}

/**
 * pouchdb-validation's exports install ours instead (validation.ts). Must run before
 * `PouchDB.plugin()` copies them: express-pouchdb's validation part, pouchdb-auth and
 * pouchdb-replicator all install validation through this module.
 */
function patchValidation(): void {
  const validation = require('pouchdb-validation');
  replaceExport(validation, 'pouchdb-validation', 'installValidationMethods', 0, installValidation);
  replaceExport(validation, 'pouchdb-validation', 'uninstallValidationMethods', 0, uninstallValidation);
}

let patched = false;

export function installModulePatches(hooks: Record<string, PartHook>): void {
  if (patched) return;
  patched = true;
  patchUtils();
  patchEval();
  patchAuthDesignDoc();
  patchValidation();
  patchLogIn();
  hookParts(hooks);
}

/** How express-pouchdb's documents part makes a user `_admin` while they touch their own `_users` doc. */
export const USERS_DOC_ESCALATION = /roles\.push\('_admin'\)/;

/**
 * Removes the middleware that made a user `_admin` while they touch their own `_users` doc
 * (deviation C3, docs/stand-in.md). Fails loudly unless exactly one middleware added since
 * `firstNewLayer` looks the way this fix expects.
 */
export function removeUsersDocEscalation(app: EpApp, firstNewLayer: number): void {
  const stack = app._router.stack;
  const found = stack
    .map((layer, n) => (n >= firstNewLayer && !layer.route && USERS_DOC_ESCALATION.test(String(layer.handle)) ? n : -1))
    .filter((n) => n !== -1);
  if (found.length !== 1) {
    throw new Error(`express-pouchdb routes/documents changed: ${found.length} middlewares match the _users _admin escalation, expected exactly 1`);
  }
  stack.splice(found[0], 1);
}
