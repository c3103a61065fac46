// A registry database as the Node-side tools (replicate, mirror) see it: its name and its id, the
// origin stamped on packages published there (src/shared/origin.ts).
import type { Couch } from './client';
import { CouchError } from './client';
import { APP_DDOC_ID } from '../ddoc/build';

export interface RegistryIdentity {
  db: string;
  id: string;
}

export async function openRegistry(couch: Couch, db: string): Promise<RegistryIdentity> {
  const ddoc = await couch.request('GET', encodeURIComponent(db) + '/' + APP_DDOC_ID, undefined, { allow404: true });
  const id = ddoc && ddoc.registry && ddoc.registry.id;
  if (!id) throw new CouchError('The database ' + db + ' on ' + couch.target.origin + ' is not a registry yet: run couch-registry setup --couch … --db ' + db + ' first.');
  return { db, id };
}
