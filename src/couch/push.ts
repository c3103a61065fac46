// Pushes a built design document with couchdb-push, which writes nothing when the stored document
// is already the same. couchdb-push reads its source from disk, so the document goes through a
// private temporary file that is removed at once (the `_users` design doc holds the token key).
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { Couch } from './client';
import { CouchError } from './client';
import type { DesignDocJson, ViewsDesignDocJson } from '../ddoc/build';
import { jsonEqual } from '../shared/equal';

const require = createRequire(import.meta.url);
const push: (db: string, source: string, cb: (err: unknown, res: { rev?: string; unchanged?: boolean }) => void) => void = require('couchdb-push');

export async function pushDesignDoc(couch: Couch, db: string, doc: DesignDocJson | ViewsDesignDocJson, log: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'couch-registry-'));
  const file = join(dir, 'ddoc.json');
  try {
    writeFileSync(file, JSON.stringify(doc), { mode: 0o600 });
    const dbUrl = couch.target.url.href.replace(/\/+$/, '') + '/' + encodeURIComponent(db);
    const once = () => new Promise<{ rev?: string; unchanged?: boolean }>((resolve, reject) => {
      push(dbUrl, file, (err, r) => (err ? reject(err) : resolve(r)));
    });
    let res: { rev?: string; unchanged?: boolean };
    for (let attempt = 1; ; attempt++) {
      try {
        res = await once();
        break;
      } catch (e) {
        // Two setups at once (several registries on one server) race on the shared _users design
        // doc; the loser reads it again and finds it unchanged or pushes over the new revision.
        if ((e as { statusCode?: number }).statusCode !== 409 || attempt >= 5) throw e;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
    log(res.unchanged ? db + '/' + doc._id + ' unchanged' : 'pushed ' + db + '/' + doc._id + ' (' + res.rev + ')');
  } catch (e) {
    if (e instanceof CouchError) throw e;
    const err = e as { statusCode?: number; reason?: string; message?: string };
    throw new CouchError('Could not push ' + doc._id + ' to ' + db + ': ' + (err.statusCode ? err.statusCode + ' ' : '') + (err.reason || err.message || String(e)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** How often a deploy says how far the new index is, and how long one waiting request lasts. */
export interface IndexWait {
  progressMs?: number;
  /** Below the 300 s after which Node's fetch gives up waiting for response headers. */
  requestMs?: number;
}

const PROGRESS_MS = 10_000;
const REQUEST_MS = 240_000;

/**
 * Puts the registry's views in place without a search outage. CouchDB keys a view index by a
 * signature over the views design doc's views, language and options, and shares one index between
 * design docs of the same signature (couch_index_server looks indexes up by database and
 * signature; the index file is named by it). So a changed views doc is first pushed under another
 * name, `_design/views-<hash>`, and its index built there while `_design/views` keeps answering
 * from the old one; then the same views are pushed as `_design/views`, which finds its index
 * already built (only the writes made meanwhile are indexed), and the staging copy is removed.
 * The old index files are left for `_view_cleanup` (setup calls it once the app design doc no
 * longer names them either).
 *
 * The stand-in (PouchDB) keeps an index per view, keyed by its map and reduce source, which is
 * shared in the same way: the steps are the same there, and only changed views are rebuilt.
 */
export async function deployViews(couch: Couch, db: string, doc: ViewsDesignDocJson, log: (line: string) => void, wait: IndexWait = {}): Promise<void> {
  const dbPath = encodeURIComponent(db);
  const current = await couch.request('GET', dbPath + '/' + doc._id, undefined, { allow404: true });
  const leftovers = await stagingDocs(couch, db, doc._id);
  const changed = Boolean(current) && !sameViews(current, doc);
  if (current && !changed) {
    log(db + '/' + doc._id + ' unchanged');
  } else if (!current) {
    // Nothing reads this design doc yet (the app design doc that will is pushed after it).
    await pushDesignDoc(couch, db, doc, log);
    await buildIndex(couch, db, doc, log, wait);
  } else {
    const staging: ViewsDesignDocJson = { ...doc, _id: stagingId(doc) };
    await pushDesignDoc(couch, db, staging, log);
    const ms = await buildIndex(couch, db, staging, log, wait);
    log('built the new view index under ' + db + '/' + staging._id + ' in ' + (ms / 1000).toFixed(1) + ' s; ' + doc._id + ' answered from the old one meanwhile');
    await pushDesignDoc(couch, db, doc, log);
    // Same signature, same index: this only indexes what was written since, and ties the index to
    // the final name before the staging copy goes.
    await buildIndex(couch, db, doc, log, wait);
  }
  const remove = leftovers.slice();
  if (changed && remove.indexOf(stagingId(doc)) < 0) remove.push(stagingId(doc));
  for (const id of remove) {
    const stored = await couch.request('GET', dbPath + '/' + id, undefined, { allow404: true });
    if (!stored) continue;
    await couch.request('DELETE', dbPath + '/' + id, undefined, { qs: { rev: stored._rev } });
    log('removed ' + db + '/' + id);
  }
}

/** The staging name of a views design doc: its final name and a digest of its views. */
export function stagingId(doc: ViewsDesignDocJson): string {
  const digest = createHash('sha256').update(JSON.stringify({ language: doc.language, views: doc.views })).digest('hex');
  return doc._id + '-' + digest.slice(0, 12);
}

/** Whether a stored design doc has exactly these views, so the same index signature. */
export function sameViews(stored: Record<string, unknown>, doc: ViewsDesignDocJson): boolean {
  return jsonEqual(stored.views, doc.views) && (stored.language || 'javascript') === doc.language && stored.options === undefined;
}

/** Staging copies other setups left behind (an interrupted deploy). */
async function stagingDocs(couch: Couch, db: string, id: string): Promise<string[]> {
  const res = await couch.request('GET', encodeURIComponent(db) + '/_all_docs', undefined, {
    // nano JSON-encodes startkey and endkey itself
    qs: { startkey: id + '-', endkey: id + '-\ufff0' },
  });
  return ((res && res.rows) || []).map((r: { id: string }) => r.id).filter((x: string) => /^.+-[0-9a-f]{12}$/.test(x));
}

/**
 * Waits until the design doc's index is up to date: a view query with update=true returns once
 * every view of the design doc is built. Says how far it is every `progressMs`, from CouchDB's
 * `_active_tasks` (the stand-in lists none). Returns the time it took.
 */
async function buildIndex(couch: Couch, db: string, doc: ViewsDesignDocJson, log: (line: string) => void, wait: IndexWait): Promise<number> {
  const names = Object.keys(doc.views).sort();
  if (names.length === 0) return 0;
  const view = doc.views[names[0]];
  const path = encodeURIComponent(db) + '/' + doc._id + '/_view/' + encodeURIComponent(names[0]);
  const qs: Record<string, unknown> = { limit: 0 };
  if (view.reduce) qs.reduce = false;
  const started = Date.now();
  const progressMs = wait.progressMs || PROGRESS_MS;
  let finished = false;
  const timer = setInterval(() => {
    progress(couch, db, doc._id).then(
      (p) => finished || log((p ? 'building the view index of ' + db + '/' + doc._id + ': ' + p : 'waiting for the view index of ' + db + '/' + doc._id) + ', ' + Math.round((Date.now() - started) / 1000) + ' s so far'),
      () => undefined,
    );
  }, progressMs);
  try {
    for (;;) {
      const abort = new AbortController();
      const limit = setTimeout(() => abort.abort(), wait.requestMs || REQUEST_MS);
      try {
        await couch.request('GET', path, undefined, { qs, signal: abort.signal });
        return Date.now() - started;
      } catch (e) {
        // CouchDB goes on building when a waiting request gives up: ask again.
        if (!abort.signal.aborted) throw e;
      } finally {
        clearTimeout(limit);
      }
    }
  } finally {
    finished = true;
    clearInterval(timer);
  }
}

/** "N of M changes (P%)" over the shards of `db` that index `ddocId`, or null when none is running. */
async function progress(couch: Couch, db: string, ddocId: string): Promise<string | null> {
  const tasks: Array<Record<string, unknown>> = (await couch.request('GET', '_active_tasks')) || [];
  let done = 0;
  let total = 0;
  let found = false;
  for (const t of tasks) {
    if (t.type !== 'indexer' || t.design_document !== ddocId) continue;
    // a shard's name: shards/<range>/<db>.<creation time>
    const m = /^shards\/[^/]+\/(.+)\.\d+$/.exec(String(t.database));
    if (!m || m[1] !== db) continue;
    found = true;
    done += Number(t.changes_done) || 0;
    total += Number(t.total_changes) || 0;
  }
  if (!found) return null;
  // CouchDB counts a batch of changes as done when it starts mapping it, and the design doc's own
  // change may come on top of the total it counted first.
  if (done > total) done = total;
  return done + ' of ' + total + ' changes' + (total > 0 ? ' (' + Math.floor((done / total) * 100) + '%)' : '');
}
