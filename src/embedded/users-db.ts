// The `_users` database as couch_users_db.erl runs it: what a non-admin may read (the owner sees
// their whole doc, others only `[chttpd_auth] public_fields`, design docs nobody but admins) and
// who may write which doc (before_doc_update). express-pouchdb instead let anyone read the design
// docs and made a user `_admin` while editing their own doc (deviation C3, docs/stand-in.md).
import { createRequire } from 'node:module';
import { CouchError, notFound } from './errors.js';
import { authenticate, hashPasswordField } from './passwords.js';
import { isDbAdmin } from './userctx.js';
import type { EmbeddedConfig } from './config.js';
import type { AccessOptions, CouchDoc, PouchDatabase, SecurityObject, UserCtx } from './types.js';

const require = createRequire(import.meta.url);
const wrappers = require('pouchdb-wrappers');
const createBulkDocsWrapper = require('pouchdb-bulkdocs-wrapper');
const authUtils = require('pouchdb-auth/lib/utils.js');
const calculateSessionId: (name: string, salt: string, secret: string, timestamp: number) => string = require('couchdb-calculate-session-id');

export const DDOC_DENIAL = 'Only administrators can view design docs in the users database.';
const USER_PREFIX = 'org.couchdb.user:';

/** get_doc_name: the user name a doc id belongs to, or undefined for other ids. */
export function docUserName(id: string): string | undefined {
  return id.startsWith(USER_PREFIX) ? id.slice(USER_PREFIX.length) : undefined;
}

export function publicFields(config: EmbeddedConfig): string[] {
  return (config.chttpdAuth('public_fields') ?? '').split(/\s*,\s*/).filter(Boolean);
}

// Members of the doc record rather than its body in CouchDB, so never stripped.
const META_FIELDS = ['_id', '_rev', '_deleted', '_revisions', '_revs_info', '_conflicts', '_deleted_conflicts'];

/** A doc with its members in CouchDB's order: _id, _rev, the body, then the other `_` members. */
export function couchOrder<T extends CouchDoc>(doc: T): T {
  const out: CouchDoc = { _id: doc._id };
  if (doc._rev !== undefined) out._rev = doc._rev;
  for (const [key, value] of Object.entries(doc)) if (!key.startsWith('_')) out[key] = value;
  for (const [key, value] of Object.entries(doc)) if (key.startsWith('_') && !(key in out)) out[key] = value;
  return out as T;
}

/** strip_non_public_fields; null when nothing public is left (CouchDB then answers not_found). */
export function stripToPublic(doc: CouchDoc, fields: string[]): CouchDoc | null {
  const out: CouchDoc = { _id: doc._id };
  let body = 0;
  for (const [key, value] of Object.entries(doc)) {
    if (META_FIELDS.includes(key)) out[key] = value;
    else if (fields.includes(key)) {
      out[key] = value;
      body += 1;
    }
  }
  return body === 0 ? null : couchOrder(out);
}

/**
 * after_doc_read for one doc, seen by `userCtx`: design docs are admin-only (403 for everyone
 * else), the owner and db admins see everything, anyone else the public fields or nothing.
 */
export function afterDocRead(doc: CouchDoc, userCtx: UserCtx, sec: SecurityObject, config: EmbeddedConfig): CouchDoc {
  const admin = isDbAdmin(userCtx, sec);
  if (doc._id.startsWith('_design/')) {
    if (admin) return doc;
    throw new CouchError(403, 'forbidden', DDOC_DENIAL);
  }
  if (admin || (userCtx.name !== null && docUserName(doc._id) === userCtx.name)) return doc;
  const stripped = stripToPublic(doc, publicFields(config));
  if (!stripped) throw notFound();
  return stripped;
}

const isNotFound = (err: unknown) => (err as { status?: number }).status === 404;

/**
 * A document as `userCtx` may read it, for shows and updates (null when missing, as CouchDB
 * passes `doc = null`). Outside `_users` the caller's db access was checked on the way in.
 */
export async function readDocAs(
  db: PouchDatabase,
  dbName: string,
  id: string,
  userCtx: UserCtx,
  sec: SecurityObject,
  config: EmbeddedConfig,
): Promise<CouchDoc | null> {
  const inUsersDb = dbName === config.usersDbName();
  if (inUsersDb && id.startsWith('_design/') && !isDbAdmin(userCtx, sec)) {
    throw new CouchError(403, 'forbidden', DDOC_DENIAL);
  }
  let doc: CouchDoc;
  try {
    // the options chttpd_show opens documents with (CouchDB adds _revisions as well)
    doc = couchOrder(await db.get(id, { conflicts: true, revs: true }));
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
  if (!inUsersDb) return doc;
  try {
    return afterDocRead(doc, userCtx, sec, config);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/**
 * before_doc_update: a logged-in non-admin may only write the doc named after them; anonymous
 * writes (signup) pass on to validate_doc_update. Then save_doc: a clear `password` becomes
 * CouchDB's password fields. Installed outermost, so it runs before validation as in CouchDB.
 */
export function installUsersDbWrappers(db: PouchDatabase, config: EmbeddedConfig): void {
  configs.set(db, config);
  async function check(doc: CouchDoc, options: AccessOptions | undefined): Promise<void> {
    const userCtx = options?.userCtx;
    // internal calls carry no userCtx and act as admin, as express-pouchdb's wrappers assume
    if (userCtx && userCtx.name !== null) {
      const sec = options?.secObj ?? (await db.getSecurity());
      if (!isDbAdmin(userCtx, sec) && docUserName(doc._id ?? '') !== userCtx.name) throw notFound();
    }
    if (!String(doc._id ?? '').startsWith('_local/')) await hashPasswordField(doc, config);
  }
  const one = (docOf: (args: any) => CouchDoc) => async (orig: () => Promise<unknown>, args: any) => {
    await check(docOf(args), args.options);
    return orig();
  };
  wrappers.installWrapperMethods(db, {
    put: one((a) => a.doc),
    post: one((a) => a.doc),
    remove: one((a) => a.doc),
    putAttachment: one((a) => ({ _id: a.docId })),
    removeAttachment: one((a) => ({ _id: a.docId })),
    bulkDocs: createBulkDocsWrapper((doc: CouchDoc, args: any) => check(doc, args.options)),
  });
}

const configs = new WeakMap<object, EmbeddedConfig>();

interface AuthDbInfo {
  admins: Record<string, CouchDoc>;
  secret: string;
}

/**
 * pouchdb-auth's multiUserLogIn with CouchDB's verification: every scheme and PRF CouchDB
 * accepts, the password cache, and the session id pouchdb-auth's cookies expect.
 */
export async function multiUserLogIn(this: PouchDatabase, username: string, password: string, callback?: (err: unknown, res?: unknown) => void) {
  const promise = logIn(this, username, password);
  if (callback) promise.then((r) => callback(null, r), (e) => callback(e));
  return promise;
}

async function logIn(db: PouchDatabase, username: unknown, password: unknown) {
  const config = configs.get(db);
  const info: AuthDbInfo = authUtils.dbDataFor(db);
  const wrong = () => new CouchError(401, 'unauthorized', 'Name or password is incorrect.');
  if (!config || typeof username !== 'string' || typeof password !== 'string') throw wrong();
  const adminDoc = Object.prototype.hasOwnProperty.call(info.admins, username) ? info.admins[username] : undefined;
  let userDoc: CouchDoc | undefined;
  try {
    userDoc = await db.get(USER_PREFIX + username, { conflicts: true });
  } catch (err) {
    if ((err as { status?: number }).status !== 404) throw err;
  }
  if (userDoc && ((userDoc._conflicts as unknown[] | undefined) ?? []).length) {
    throw new CouchError(401, 'unauthorized', 'User document conflicts must be resolved before the document is used for authentication purposes.');
  }
  // a server admin is authenticated by the config entry; a user doc of the same name adds roles
  const doc = adminDoc ? { ...adminDoc, roles: ['_admin', ...((userDoc?.roles as string[] | undefined) ?? [])] } : userDoc;
  if (!doc) throw wrong();
  if (!(await authenticate(adminDoc ? 'admins' : db.name, doc, password, config))) throw wrong();
  const timestamp = Math.round(Date.now() / 1000);
  const salt = typeof doc.salt === 'string' ? doc.salt : '';
  return { ok: true, name: doc.name, roles: doc.roles, sessionID: calculateSessionId(String(doc.name), salt, info.secret, timestamp) };
}

/** CouchDB refuses `PUT /_users/_security` unless `[couchdb] users_db_security_editable`. */
export function checkSecurityEditable(config: EmbeddedConfig): void {
  if (!config.bool('couchdb', 'users_db_security_editable', false)) {
    throw new CouchError(403, 'forbidden', "You can't edit the security object of the user database.");
  }
}

