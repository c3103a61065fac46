// The registry database as the mirror writes it: plain document reads and ordinary edits (PUT
// with the current _rev) through the one CouchDB client. Never new_edits=false: that could add a
// competing branch, and only ordinary edits show validate_doc_update the real old document.
import { Couch, CouchError } from '../couch/client';
import { openRegistry } from '../couch/registry-db';
import { VIEWS_DDOC_ID } from '../ddoc/build';
import { originFor } from './prepare';
import type { PackageDoc } from '../shared/packument';

export interface RegistryDb {
  couch: Couch;
  db: string;
  /** This registry's id: the origin of packages published here (private names). */
  id: string;
}

export type WriteResult = { ok: true; rev: string } | { ok: false; conflict: true } | { ok: false; conflict: false; reason: string };

export async function openRegistryDb(couch: Couch, db: string): Promise<RegistryDb> {
  return { couch, ...(await openRegistry(couch, db)) };
}

function docPath(reg: RegistryDb, id: string): string {
  return encodeURIComponent(reg.db) + '/' + encodeURIComponent(id);
}

/** The stored document with attachment stubs, or null when there is none (or it was deleted). */
export async function readPackage(reg: RegistryDb, name: string): Promise<PackageDoc | null> {
  return reg.couch.request('GET', docPath(reg, name), undefined, { allow404: true });
}

export async function writePackage(reg: RegistryDb, doc: PackageDoc): Promise<WriteResult> {
  try {
    const r = await reg.couch.request('PUT', docPath(reg, doc._id), doc);
    return { ok: true, rev: r.rev };
  } catch (e) {
    if (e instanceof CouchError && e.status === 409) return { ok: false, conflict: true };
    const body = e instanceof CouchError ? (e.body as { reason?: string } | undefined) : undefined;
    if (e instanceof CouchError && (e.status === 403 || e.status === 400)) {
      return { ok: false, conflict: false, reason: String((body && body.reason) || e.message) };
    }
    throw e;
  }
}

/**
 * A document only server admins can write (a design document: see checkpoint.ts), or null. Its
 * fields are the follower's own; it has no functions, so CouchDB builds nothing from it.
 */
export async function readAdminDoc<T>(reg: RegistryDb, id: string): Promise<(T & { _rev?: string }) | null> {
  return reg.couch.request('GET', encodeURIComponent(reg.db) + '/' + designPath(id), undefined, { allow404: true });
}

export async function writeAdminDoc(reg: RegistryDb, id: string, doc: object): Promise<string> {
  const r = await reg.couch.request('PUT', encodeURIComponent(reg.db) + '/' + designPath(id), doc);
  return r.rev;
}

function designPath(id: string): string {
  if (id.indexOf('_design/') !== 0) throw new Error('Only a design document can hold state that only admins may write: ' + id);
  return '_design/' + encodeURIComponent(id.slice('_design/'.length));
}

/** The packages mirrored from `upstream`: their origin says so, and only admins can write that. */
export async function mirroredNames(reg: RegistryDb, upstream: string): Promise<string[]> {
  const res = await reg.couch.request('GET', encodeURIComponent(reg.db) + '/' + VIEWS_DDOC_ID + '/_view/origins', undefined, {
    qs: { key: originFor(upstream), reduce: false },
    allow404: true,
  });
  const rows: Array<{ id: string }> = (res && res.rows) || [];
  return rows.map((r) => r.id).sort();
}
