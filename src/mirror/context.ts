// What every step of a mirror run shares, and what each package comes out as.
import type { RetryPolicy } from './http';
import type { RegistryDb } from './registry';
import type { Upstream } from './upstream';

export type Log = (line: string) => void;

export interface MirrorContext {
  reg: RegistryDb;
  upstream: Upstream;
  /** `mirror:<upstream URL>`: the origin of every document this mirror writes. */
  origin: string;
  retry: RetryPolicy;
  /** Tarball downloads of one package that run at once. */
  tarballConcurrency: number;
  log: Log;
  now: () => string;
  /** Aborts waits and requests at once (a second Ctrl-C). */
  signal?: AbortSignal;
}

/**
 * stored: written; unchanged: nothing to write; unpublished: upstream removed it, a stub holds the
 * name; kept: the name belongs to someone else here (a private package), left alone; failed: bad
 * upstream data, nothing written.
 */
export type Status = 'stored' | 'unchanged' | 'unpublished' | 'kept' | 'failed';

export interface PackageResult {
  name: string;
  status: Status;
  /** One line for the progress log. */
  message: string;
  /** Tarball bytes downloaded for this package. */
  bytes: number;
  /** Registry names the stored document depends on (for --deps). */
  deps: string[];
}

/** Runs `fn` over `items`, at most `limit` at a time; the first error wins once all have settled. */
export async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown = null;
  const worker = async () => {
    while (next < items.length && failure === null) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (e) {
        if (failure === null) failure = e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  if (failure !== null) throw failure;
}

export function formatBytes(n: number): string {
  if (n < 1024) return n + ' B';
  if (n < 1024 * 1024) return (n / 1024).toFixed(1) + ' kB';
  return (n / 1048576).toFixed(1) + ' MB';
}
