// The registry database as the mirror writes it: plain document reads and ordinary edits (PUT
// with the current _rev) through the one CouchDB client. Never new_edits=false: that could add a
// competing branch, and only ordinary edits show validate_doc_update the real old document.
import { Couch, CouchError } from '../couch/client';
import { openRegistry } from '../couch/registry-db';
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

export async function readLocal<T>(reg: RegistryDb, id: string): Promise<T | null> {
  return reg.couch.request('GET', encodeURIComponent(reg.db) + '/_local/' + encodeURIComponent(id), undefined, { allow404: true });
}

export async function writeLocal(reg: RegistryDb, id: string, doc: object): Promise<string> {
  const r = await reg.couch.request('PUT', encodeURIComponent(reg.db) + '/_local/' + encodeURIComponent(id), doc);
  return r.rev;
}
