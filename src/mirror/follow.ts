// Keeps mirrored packages current from the upstream change feed. Each page of changes is read,
// the names this mirror follows are synced once each, and only then is the page's last_seq
// saved: a restart resumes after the last finished page, so no change is processed twice, and a
// crash in the middle of a page only repeats that page (which finds the copies already current).
import { CouchError } from '../couch/client';
import type { Checkpoint } from './checkpoint';
import { formatBytes, type MirrorContext, type PackageResult } from './context';
import { copyPackages } from './copy';
import { UpstreamUnavailable, messageOf } from './errors';
import { sleep } from './http';
import type { Change, Seq } from './upstream';

export interface FollowOptions {
  /** Changes asked for per page (`limit`). */
  pageSize: number;
  concurrency: number;
}

export interface FollowPass {
  pages: number;
  /** Changes read from the feed. */
  changes: number;
  /** Results for the followed names (and new dependencies) the pass synced. */
  results: PackageResult[];
  since: Seq;
}

/** Outages a long-running follower waits out: the upstream's, or CouchDB restarting. */
function transient(e: unknown): boolean {
  if (e instanceof UpstreamUnavailable) return true;
  return e instanceof CouchError && (e.status === undefined || e.status >= 500);
}

function announcedRev(c: Change): string | undefined {
  const first = c.changes && c.changes[0];
  return first && typeof first.rev === 'string' ? first.rev : undefined;
}

export class Follower {
  constructor(private readonly ctx: MirrorContext, readonly checkpoint: Checkpoint, private readonly opts: FollowOptions) {}

  /** Where following starts without a checkpoint: the upstream's position now. */
  async start(): Promise<Seq> {
    const cp = this.checkpoint;
    if (cp.since === undefined) {
      cp.since = await this.ctx.upstream.currentSeq();
      await cp.save(this.ctx.now());
      this.ctx.log('follow: starting at sequence ' + String(cp.since) + ' of ' + this.ctx.upstream.changesUrl);
    }
    return cp.since as Seq;
  }

  /**
   * Reads the feed until it is caught up (a page shorter than the page size), or `stop` aborts
   * between pages. Throws UpstreamUnavailable on an outage, with the checkpoint at the last
   * finished page.
   */
  async followOnce(stop?: AbortSignal): Promise<FollowPass> {
    const cp = this.checkpoint;
    await cp.refresh();
    let since = await this.start();
    const pass: FollowPass = { pages: 0, changes: 0, results: [], since };
    while (!(stop && stop.aborted)) {
      const page = await this.ctx.upstream.changes(since, this.opts.pageSize);
      // A name changed several times in one page is synced once, at its newest revision.
      const newest = new Map<string, Change>();
      for (const c of page.results) if (c && typeof c.id === 'string' && cp.names.has(c.id)) newest.set(c.id, c);
      if (newest.size > 0) {
        const items = Array.from(newest.values()).map((c) => ({ name: c.id, rev: announcedRev(c) }));
        const copied = await copyPackages(this.ctx, items, { deps: cp.deps, concurrency: this.opts.concurrency, skip: cp.names, unchangedDeps: false });
        for (const r of copied.results) {
          if (r.status === 'stored' || r.status === 'unchanged' || r.status === 'unpublished') cp.names.add(r.name);
        }
        pass.results.push(...copied.results);
      }
      pass.pages++;
      pass.changes += page.results.length;
      const moved = String(page.last_seq) !== String(since);
      since = page.last_seq;
      if (moved) {
        cp.since = since;
        await cp.save(this.ctx.now());
        this.ctx.log('follow: ' + page.results.length + ' change(s) up to sequence ' + String(since) + ', ' + newest.size + ' of them followed here');
      }
      if (page.results.length < this.opts.pageSize || !moved) break;
    }
    pass.since = since;
    return pass;
  }

  /**
   * Follows until `stop` aborts, polling every `intervalMs` once caught up. Outages are
   * reported and waited out; the page in progress when `stop` fires is finished and saved.
   */
  async run(stop: AbortSignal, intervalMs: number): Promise<void> {
    this.ctx.log('follow: following ' + this.ctx.upstream.changesUrl + ' for ' + this.checkpoint.names.size + ' package(s); Ctrl-C stops');
    while (!stop.aborted) {
      try {
        const pass = await this.followOnce(stop);
        const stored = pass.results.filter((r) => r.status === 'stored').length;
        if (pass.results.length > 0) this.ctx.log('follow: caught up at sequence ' + String(pass.since) + '; ' + stored + ' package(s) updated, ' + formatBytes(this.ctx.upstream.bytes) + ' downloaded so far');
      } catch (e) {
        if (!transient(e)) throw e;
        if (stop.aborted) break;
        this.ctx.log('follow: ' + messageOf(e) + ' Trying again in ' + Math.round(intervalMs / 1000) + ' s.');
      }
      await sleep(intervalMs, stop);
    }
    this.ctx.log('follow: stopped; checkpoint at sequence ' + String(this.checkpoint.since));
  }
}
