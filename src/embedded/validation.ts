// validate_doc_update in CouchDB's order (couch_db:prep_and_validate_updates): the revision is
// checked first, and the validation functions then see the revision being replaced as oldDoc.
// pouchdb-validation validated against whatever revision was current by the time it looked, and
// checked the revision only afterwards: a writer that lost a race was told 403 with a reason that
// did not apply (deviation D8, docs/stand-in.md) where CouchDB answers 409 and clients such as npm retry.
//
// These wrappers take the place of pouchdb-validation's for every database: patch.ts makes that
// module's exports install them (express-pouchdb's validation part, pouchdb-auth and
// pouchdb-replicator all install validation through it).
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { CouchError, functionError } from './errors.js';
import type { AccessOptions, CouchDoc, PouchDatabase, SecurityObject, UserCtx } from './types.js';

const require = createRequire(import.meta.url);
const wrappers = require('pouchdb-wrappers');
const createBulkDocsWrapper = require('pouchdb-bulkdocs-wrapper');
const coucheval: { evaluate(ddoc: CouchDoc, vars: object, source: string): (...args: unknown[]) => unknown } =
  require('couchdb-eval');
const buildUserContextObject: (info: unknown) => UserCtx = require('couchdb-objects').buildUserContextObject;

const INSTALLED = Symbol.for('couch-registry.embedded.validation');

const newId = () => randomUUID().replace(/-/g, '');
const conflict = () => new CouchError(409, 'conflict', 'Document update conflict.');

interface Leaf {
  ok?: CouchDoc & { _deleted?: boolean };
}

/**
 * The revision a write replaces, after CouchDB's revision check: null for a new document (or one
 * whose every leaf is deleted), the leaf named by `_rev` otherwise. Throws 409 as CouchDB does
 * when `_rev` names no leaf, or when it is missing although the document exists.
 */
async function replacedRevision(db: PouchDatabase, doc: CouchDoc): Promise<CouchDoc | null> {
  let leaves: Leaf[];
  try {
    leaves = await db.get(doc._id, { open_revs: 'all', revs: true });
  } catch (err) {
    if ((err as { status?: number }).status !== 404) throw err;
    leaves = [];
  }
  const found = leaves.filter((l) => l.ok).map((l) => l.ok as CouchDoc & { _deleted?: boolean });
  if (typeof doc._rev === 'string' && doc._rev !== '') {
    const leaf = found.find((l) => l._rev === doc._rev);
    if (!leaf) throw conflict();
    return leaf._deleted ? null : leaf;
  }
  if (found.some((l) => !l._deleted)) throw conflict();
  return null;
}

/** The current winner, for writes that keep their own revisions (new_edits=false). */
async function winner(db: PouchDatabase, id: string): Promise<CouchDoc | null> {
  return db.get(id, { revs: true }).catch(() => null);
}

async function validationFunctions(db: PouchDatabase) {
  const rows: { rows: Array<{ doc?: CouchDoc }> } = await (db as any).allDocs({ startkey: '_design/', endkey: '_design0', include_docs: true });
  return rows.rows
    .map((row) => row.doc)
    .filter((ddoc): ddoc is CouchDoc => !!ddoc && typeof ddoc.validate_doc_update === 'string')
    .map((ddoc) => ({ ddoc, fn: coucheval.evaluate(ddoc, {}, ddoc.validate_doc_update as string) }));
}

function translate(thrown: unknown): CouchError {
  if (thrown && typeof thrown === 'object' && !(thrown instanceof Error)) {
    const t = thrown as Record<string, unknown>;
    if (t.forbidden !== undefined) return new CouchError(403, 'forbidden', String(t.forbidden));
    if (t.unauthorized !== undefined) return new CouchError(401, 'unauthorized', String(t.unauthorized));
  }
  return functionError(thrown);
}

/** Checks one write the way CouchDB does before it stores it; resolves when it may proceed. */
export async function checkWrite(db: PouchDatabase, doc: CouchDoc, options: AccessOptions = {}): Promise<void> {
  if ((db as any).type?.() === 'http' || (db as any).type?.() === 'https') return;
  const id = String(doc._id);
  // local docs have no revision tree and no validation; design docs are checked elsewhere
  if (id.startsWith('_local/')) return;
  const newEdits = options.new_edits !== false;
  const oldDoc = newEdits ? await replacedRevision(db, doc) : await winner(db, id);
  if (id.startsWith('_design/')) return;
  const funcs = await validationFunctions(db);
  if (funcs.length === 0) return;
  const userCtx = options.userCtx ?? buildUserContextObject(await db.info());
  const secObj: SecurityObject = options.secObj ?? {};
  // as pouchdb-validation did: the function sees the history it extends
  const seen = { ...doc, _revisions: (oldDoc as { _revisions?: unknown } | null)?._revisions };
  for (const { ddoc, fn } of funcs) {
    try {
      fn.call(ddoc, seen, oldDoc, userCtx, secObj);
    } catch (err) {
      throw translate(err);
    }
  }
}

type Args = { base: PouchDatabase; doc: CouchDoc; options?: AccessOptions; docId: string; attachmentId: string; rev?: string; type?: string };

const handlers = {
  put: async (orig: () => Promise<unknown>, args: Args) => {
    await checkWrite(args.base, args.doc, args.options);
    return orig();
  },
  post: async (orig: () => Promise<unknown>, args: Args) => {
    args.doc._id = args.doc._id || newId();
    await checkWrite(args.base, args.doc, args.options);
    return orig();
  },
  remove: async (orig: () => Promise<unknown>, args: Args) => {
    args.doc._deleted = true;
    await checkWrite(args.base, args.doc, args.options);
    return orig();
  },
  bulkDocs: createBulkDocsWrapper((doc: CouchDoc, args: Args) => {
    doc._id = doc._id || newId();
    return checkWrite(args.base, doc, args.options);
  }),
  putAttachment: async (orig: () => Promise<unknown>, args: Args) => {
    const doc = await attachmentDoc(args);
    doc._attachments = { ...((doc._attachments as object) ?? {}), [args.attachmentId]: { content_type: args.type, data: args.doc } };
    await checkWrite(args.base, doc, args.options);
    return orig();
  },
  removeAttachment: async (orig: () => Promise<unknown>, args: Args) => {
    const doc = await attachmentDoc(args);
    const atts = { ...((doc._attachments as Record<string, unknown>) ?? {}) };
    delete atts[args.attachmentId];
    doc._attachments = atts;
    await checkWrite(args.base, doc, args.options);
    return orig();
  },
};

/** The document an attachment write changes: the named revision, or a new doc without one. */
async function attachmentDoc(args: Args): Promise<CouchDoc> {
  if (!args.rev) return { _id: args.docId };
  try {
    const doc: CouchDoc = await args.base.get(args.docId, { rev: args.rev, revs: true });
    return { ...doc, _rev: args.rev };
  } catch {
    // the revision check answers this one
    return { _id: args.docId, _rev: args.rev };
  }
}

export function installValidation(this: PouchDatabase): void {
  const db = this as PouchDatabase & { [INSTALLED]?: boolean };
  if (db[INSTALLED]) return;
  db[INSTALLED] = true;
  wrappers.installWrapperMethods(db, handlers);
}

export function uninstallValidation(this: PouchDatabase): void {
  const db = this as PouchDatabase & { [INSTALLED]?: boolean };
  if (!db[INSTALLED]) return;
  wrappers.uninstallWrapperMethods(db, handlers);
  db[INSTALLED] = false;
}
