// Reading a registry database's identity and its private package names.
import type { Couch } from '../couch/client';
import { CouchError } from '../couch/client';
import { APP_DDOC_ID } from '../ddoc/build';

export interface RegistryDb {
  db: string;
  /** This registry's id: the origin stamped on packages published here. */
  id: string;
}

export async function openRegistry(couch: Couch, db: string): Promise<RegistryDb> {
  const ddoc = await couch.request('GET', encodeURIComponent(db) + '/' + APP_DDOC_ID, undefined, { allow404: true });
  const id = ddoc && ddoc.registry && ddoc.registry.id;
  if (!id) throw new CouchError('The database ' + db + ' on ' + couch.target.origin + ' is not a registry yet: run couch-registry setup --couch … --db ' + db + ' first.');
  return { db, id };
}

/** Names of the packages published in this registry (unpublished ones included: they keep their names). */
export async function privateNames(couch: Couch, reg: RegistryDb): Promise<string[]> {
  const res = await couch.request('GET', encodeURIComponent(reg.db) + '/' + APP_DDOC_ID + '/_view/origins', undefined, {
    qs: { key: reg.id, reduce: false },
  });
  return res.rows.map((r: { id: string }) => r.id);
}
