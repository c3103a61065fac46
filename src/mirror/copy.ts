// Copies a set of packages, and with `deps` everything they depend on, a few at a time, with
// progress (packages done/known so far, bytes downloaded). An upstream outage stops the whole
// run; bad data only costs the package it belongs to.
import { formatBytes, type MirrorContext, type PackageResult } from './context';
import { syncPackage } from './sync';

export interface CopyItem {
  name: string;
  /** The upstream revision a change announced, if any. */
  rev?: string;
}

export interface CopyOptions {
  deps: boolean;
  /** Packages worked on at once. */
  concurrency: number;
  /** Dependencies with these names are not visited (the follower already keeps them current). */
  skip?: Set<string>;
  /**
   * Whether dependencies of packages found unchanged are visited too: a first copy wants the
   * whole closure; the follower only needs what a new version brought in.
   */
  unchangedDeps?: boolean;
}

export interface CopySummary {
  results: PackageResult[];
  /** Bytes downloaded from upstream during the copy (packuments and tarballs). */
  bytes: number;
  ms: number;
}

export async function copyPackages(ctx: MirrorContext, roots: CopyItem[], opts: CopyOptions): Promise<CopySummary> {
  const started = Date.now();
  const bytesBefore = ctx.upstream.bytes;
  const queue: CopyItem[] = [];
  const seen = new Set<string>();
  const enqueue = (item: CopyItem) => {
    if (seen.has(item.name)) return;
    seen.add(item.name);
    queue.push(item);
  };
  roots.forEach(enqueue);
  const results: PackageResult[] = [];
  let failure: unknown = null;
  let active = 0;
  const idle: Array<() => void> = [];

  // Workers take from a queue that grows as dependencies are discovered; an idle worker waits
  // for a busy one to finish, since that may add more work.
  const worker = async () => {
    for (;;) {
      if (failure !== null) return;
      const item = queue.shift();
      if (!item) {
        if (active === 0) return;
        await new Promise<void>((r) => { idle.push(r); });
        continue;
      }
      active++;
      try {
        const r = await syncPackage(ctx, item.name, item.rev);
        results.push(r);
        if (opts.deps && (r.status === 'stored' || (r.status === 'unchanged' && opts.unchangedDeps !== false))) {
          for (const d of r.deps) if (!(opts.skip && opts.skip.has(d))) enqueue({ name: d });
        }
        const shown = r.status === 'failed' ? 'FAILED ' + r.message : r.message;
        ctx.log('[' + results.length + '/' + seen.size + '] ' + shown + ' — ' + formatBytes(ctx.upstream.bytes - bytesBefore) + ' downloaded');
      } catch (e) {
        if (failure === null) failure = e;
      } finally {
        active--;
        for (const w of idle.splice(0)) w();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
  if (failure !== null) throw failure;
  return { results, bytes: ctx.upstream.bytes - bytesBefore, ms: Date.now() - started };
}

export function summaryLine(s: CopySummary): string {
  const count = (status: string) => s.results.filter((r) => r.status === status).length;
  const parts = [count('stored') + ' stored', count('unchanged') + ' unchanged'];
  if (count('unpublished')) parts.push(count('unpublished') + ' unpublished upstream');
  parts.push(count('kept') + ' left alone (not this mirror\'s)', count('failed') + ' failed');
  return 'mirror: ' + s.results.length + ' package(s): ' + parts.join(', ') + '; ' + formatBytes(s.bytes) + ' downloaded in ' + (s.ms / 1000).toFixed(1) + ' s';
}
