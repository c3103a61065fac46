// Keeping upstream copies current for clients that only revalidate. CouchDB answers a client's
// If-None-Match with 304 without running the package show, so such a client never reaches the
// redirect that would refresh a stale copy: the sweep revalidates every known copy older than the
// max age instead (a conditional request upstream; an unchanged packument is not downloaded).
import { messageOf } from '../mirror/errors';
import { readPackage } from '../mirror/registry';
import type { PullThrough } from './pull';

/** Revalidates the stale copies among `pull.known`, a few at a time; resolves with how many were refreshed. */
export async function sweep(pull: PullThrough, concurrency = 4): Promise<number> {
  const names = Array.from(pull.known);
  let refreshed = 0;
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++];
      const doc = await readPackage(pull.registry, name).catch(() => null);
      if (!doc || doc.origin !== pull.origin) {
        pull.known.delete(name);
        continue;
      }
      if (pull.isFresh(doc)) continue;
      const outcome = await pull.packument(name).catch(() => null);
      if (outcome && (outcome.kind === 'stored' || outcome.kind === 'fresh')) refreshed++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return refreshed;
}

/** Adds the names of the upstream's copies already stored (at most `limit`) to what the sweep keeps current. */
export async function loadKnown(pull: PullThrough, limit = 10_000): Promise<void> {
  const reg = pull.registry;
  const path = encodeURIComponent(reg.db) + '/_design/views/_view/origins';
  const r = await reg.couch.request('GET', path, undefined, { qs: { key: JSON.stringify(pull.origin), reduce: false, limit } }).catch(() => null);
  for (const row of (r && r.rows) || []) pull.known.add(String(row.id));
}

/** Sweeps every `everyMs` until the returned function is called. */
export function startSweeping(pull: PullThrough, everyMs: number): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    sweep(pull).catch((e) => pull.noteError('The sweep failed: ' + messageOf(e))).finally(() => { running = false; });
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
