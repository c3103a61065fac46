// Timed HTTP requests and a small worker pool, for the workloads that the load generator does not
// drive (publishes, growth samples). Node's fetch keeps connections alive, as npm does.
import { performance } from 'node:perf_hooks';

export interface Timed {
  status: number;
  headers: Headers;
  body: Buffer;
  /** The body as UTF-8 text. */
  text: string;
  ms: number;
}

export async function timedFetch(url: string, init: RequestInit = {}): Promise<Timed> {
  const start = performance.now();
  let res: Response;
  try {
    res = await fetch(url, { redirect: 'manual', ...init });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new Error((init.method || 'GET') + ' ' + redact(url) + ' did not get an answer (' + ((cause && (cause.code || cause.message)) || String(e)) + '). Is CouchDB still running?');
  }
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, headers: res.headers, body, text: body.toString('utf8'), ms: performance.now() - start };
}

/** A URL safe to print: no credentials. */
export function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}

/** What went wrong in a CouchDB answer, in a few words: its `error` and `reason`, or the start of the body. */
export function answerSummary(r: { status: number; text: string }): string {
  try {
    const j = JSON.parse(r.text) as { error?: unknown; reason?: unknown };
    if (j && (j.error || j.reason)) return r.status + ' ' + [j.error, j.reason].filter(Boolean).join(': ');
  } catch {
    // not JSON: show the text itself
  }
  return r.status + ' ' + r.text.slice(0, 200);
}

export function bearer(token: string): Record<string, string> {
  return { authorization: 'Bearer ' + token };
}

/** Runs `work` on every item with at most `concurrency` in flight; the first error stops the rest. */
export async function pool<T>(items: readonly T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (failed === undefined && next < items.length) {
      const i = next++;
      try {
        await work(items[i], i);
      } catch (e) {
        if (failed === undefined) failed = e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  if (failed !== undefined) throw failed;
}
