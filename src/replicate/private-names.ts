// The private package names of a registry database.
import type { Couch } from '../couch/client';
import { openRegistry, type RegistryIdentity } from '../couch/registry-db';
import { VIEWS_DDOC_ID } from '../ddoc/build';

export type RegistryDb = RegistryIdentity;
export { openRegistry };

/** Names of the packages published in this registry (unpublished ones included: they keep their names). */
export async function privateNames(couch: Couch, reg: RegistryDb): Promise<string[]> {
  const res = await couch.request('GET', encodeURIComponent(reg.db) + '/' + VIEWS_DDOC_ID + '/_view/origins', undefined, {
    qs: { key: reg.id, reduce: false },
  });
  return res.rows.map((r: { id: string }) => r.id);
}
