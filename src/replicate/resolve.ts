// Resolving replication conflicts: where competing revisions of a package exist, the copy
// published here (origin = this registry) is kept and the others are deleted; where none is
// private, CouchDB's winner is kept. Until then GET /:pkg answers 409 for such a package
// whenever the winner is not private (couchapp/shows/package.ts).
import type { Couch } from '../couch/client';
import { VIEWS_DDOC_ID } from '../ddoc/build';
import { isLocal } from '../shared/origin';
import type { PackageDoc } from '../shared/packument';
import type { RegistryDb } from './private-names';

export interface Resolution {
  id: string;
  kept: string;
  removed: string[];
  private: boolean;
}

function revOrder(a: PackageDoc, b: PackageDoc): number {
  const [pa, ha] = String(a._rev).split('-');
  const [pb, hb] = String(b._rev).split('-');
  return Number(pb) - Number(pa) || (hb > ha ? 1 : hb < ha ? -1 : 0);
}

export async function conflictedIds(couch: Couch, reg: RegistryDb): Promise<string[]> {
  const res = await couch.request('GET', encodeURIComponent(reg.db) + '/' + VIEWS_DDOC_ID + '/_view/conflicts');
  return res.rows.map((r: { id: string }) => r.id);
}

export async function resolveConflicts(couch: Couch, reg: RegistryDb, log: (line: string) => void): Promise<Resolution[]> {
  const out: Resolution[] = [];
  for (const id of await conflictedIds(couch, reg)) {
    const path = encodeURIComponent(reg.db) + '/' + encodeURIComponent(id);
    const leaves: Array<{ ok?: PackageDoc }> = await couch.request('GET', path, undefined, {
      qs: { open_revs: 'all' }, headers: { accept: 'application/json' },
    });
    const live = leaves.map((l) => l.ok).filter((d): d is PackageDoc => Boolean(d && !d._deleted)).sort(revOrder);
    if (live.length < 2) continue;
    const local = live.filter((d) => isLocal(d, reg.id));
    const keep = local.length > 0 ? local[0] : live[0];
    const removed = live.filter((d) => d._rev !== keep._rev);
    await couch.request('POST', encodeURIComponent(reg.db) + '/_bulk_docs', {
      docs: removed.map((d) => ({ _id: id, _rev: d._rev, _deleted: true })),
    });
    const r = { id, kept: String(keep._rev), removed: removed.map((d) => String(d._rev)), private: local.length > 0 };
    log((r.private ? 'kept the private copy of ' : 'kept the current copy of ') + id + ' (' + r.kept + '); removed ' + r.removed.join(', '));
    out.push(r);
  }
  return out;
}
