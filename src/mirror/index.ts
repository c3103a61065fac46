// The mirror's public surface: open a mirror of one upstream into one registry database, copy
// packages (with their dependency closure), and follow the change feed — in bounded passes
// (`followOnce`, what tests use) or until stopped (`run`, what `--follow` uses).
import { Couch } from '../couch/client';
import { Checkpoint } from './checkpoint';
import type { Log, MirrorContext } from './context';
import { copyPackages, type CopySummary } from './copy';
import { UpstreamBadData, messageOf } from './errors';
import { Follower, type FollowPass } from './follow';
import { DEFAULT_RETRY, type RetryPolicy } from './http';
import { originFor } from './prepare';
import { openRegistryDb } from './registry';
import { Upstream } from './upstream';

export { UpstreamBadData, UpstreamUnavailable } from './errors';
export type { PackageResult, Status } from './context';
export type { CopySummary } from './copy';
export type { FollowPass } from './follow';
export type { RetryPolicy } from './http';
export { summaryLine } from './copy';

export interface MirrorOptions {
  /** Server admin URL (http://ADMIN:PASS@host:5984) or a client for it. */
  couch: string | Couch;
  db?: string;
  /** The upstream registry, e.g. https://registry.npmjs.org */
  upstream: string;
  /** Its change feed; default `<upstream>/_changes`. */
  changesUrl?: string;
  retry?: Partial<RetryPolicy>;
  /** Packages worked on at once. */
  concurrency?: number;
  /** Changes per page of the feed. */
  pageSize?: number;
  log?: Log;
  /** Aborts requests and waits at once. */
  signal?: AbortSignal;
}

export interface Mirror {
  readonly ctx: MirrorContext;
  readonly checkpoint: Checkpoint;
  readonly follower: Follower;
  /** Copies the packages (and with `deps` their closure), then records them as followed. */
  copy(names: string[], opts?: { deps?: boolean }): Promise<CopySummary>;
  /** One follow pass until caught up. */
  followOnce(): Promise<FollowPass>;
}

export async function openMirror(opts: MirrorOptions): Promise<Mirror> {
  const log = opts.log || (() => undefined);
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...opts.retry };
  const couch = typeof opts.couch === 'string' ? new Couch(opts.couch) : opts.couch;
  const reg = await openRegistryDb(couch, opts.db || 'registry');
  const upstream = new Upstream(opts.upstream, opts.changesUrl, retry, log, opts.signal);
  const ctx: MirrorContext = {
    reg, upstream, origin: originFor(upstream.url), retry, tarballConcurrency: 4, log, signal: opts.signal,
    now: () => new Date().toISOString(),
  };
  const concurrency = opts.concurrency || 4;
  const checkpoint = await Checkpoint.load(reg, upstream.url, upstream.changesUrl, log);
  const follower = new Follower(ctx, checkpoint, { pageSize: opts.pageSize || 500, concurrency });

  const copy = async (names: string[], o: { deps?: boolean } = {}): Promise<CopySummary> => {
    await checkpoint.refresh();
    if (checkpoint.since === undefined) {
      // Taken before copying, so a later --follow replays whatever changes during the copy. An
      // upstream without a feed can still be copied from; an upstream that is down cannot.
      try {
        await follower.start();
      } catch (e) {
        if (!(e instanceof UpstreamBadData)) throw e;
        log('note: no change feed at ' + upstream.changesUrl + ' (' + messageOf(e) + '); --follow will need --changes-url');
      }
    }
    const summary = await copyPackages(ctx, names.map((name) => ({ name })), { deps: Boolean(o.deps), concurrency });
    for (const r of summary.results) {
      if (r.status === 'stored' || r.status === 'unchanged' || r.status === 'unpublished') checkpoint.names.add(r.name);
    }
    if (o.deps) checkpoint.deps = true;
    await checkpoint.save(ctx.now());
    return summary;
  };

  return { ctx, checkpoint, follower, copy, followOnce: () => follower.followOnce() };
}
