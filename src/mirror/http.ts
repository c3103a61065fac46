// GET requests to the upstream with bounded exponential backoff. Network errors, timeouts, 5xx
// and 429 are worth waiting for; any other answer is final and goes back to the caller.
import { UpstreamUnavailable, messageOf } from './errors';

export interface RetryPolicy {
  /** Further attempts after the first one. */
  retries: number;
  /** Delay before the first retry; it doubles on each one. */
  baseMs: number;
  /** No single wait is longer than this, whatever Retry-After asks. */
  maxMs: number;
  /** Per-request time limit. */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, baseMs: 1000, maxMs: 30_000, timeoutMs: 60_000 };

export interface Fetched {
  status: number;
  headers: Headers;
  body: Buffer;
}

export type RetryNote = (line: string) => void;

/** Waits `ms`, or less if the signal aborts (so SIGTERM does not sit out a long backoff). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal && signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      if (signal) signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (signal) signal.addEventListener('abort', done, { once: true });
  });
}

function transientStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

function retryAfterMs(headers: Headers): number | null {
  const v = headers.get('retry-after');
  if (!v) return null;
  const s = Number(v);
  if (Number.isFinite(s)) return s * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : Math.max(0, t - Date.now());
}

/** Node's fetch refuses URLs with credentials: they travel as a Basic header instead. */
export function splitCredentials(raw: string): { url: string; authorization?: string } {
  const u = new URL(raw);
  if (!u.username && !u.password) return { url: u.href };
  const auth = 'Basic ' + Buffer.from(decodeURIComponent(u.username) + ':' + decodeURIComponent(u.password)).toString('base64');
  u.username = '';
  u.password = '';
  return { url: u.href, authorization: auth };
}

function describeFailure(e: unknown): string {
  const err = e as { name?: string; cause?: { code?: string; message?: string } };
  if (err && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'no answer in time';
  if (err && err.cause && (err.cause.code || err.cause.message)) return String(err.cause.code || err.cause.message);
  return messageOf(e);
}

/**
 * GET `url`, retrying outages. Resolves with any non-transient answer (2xx, 3xx after redirects,
 * or the 3xx itself with `redirect: 'manual'`, 4xx); throws UpstreamUnavailable once the retries
 * are spent.
 */
export async function getWithRetry(url: string, headers: Record<string, string>, policy: RetryPolicy, note: RetryNote, signal?: AbortSignal, redirect: 'follow' | 'manual' = 'follow'): Promise<Fetched> {
  const shown = new URL(url);
  shown.username = '';
  shown.password = '';
  let last = '';
  for (let attempt = 0; ; attempt++) {
    let wait: number | null = null;
    try {
      const timeout = AbortSignal.timeout(policy.timeoutMs);
      const res = await fetch(url, { headers, redirect, signal: signal ? AbortSignal.any([signal, timeout]) : timeout });
      const body = Buffer.from(await res.arrayBuffer());
      if (!transientStatus(res.status)) return { status: res.status, headers: res.headers, body };
      last = 'HTTP ' + res.status;
      wait = retryAfterMs(res.headers);
    } catch (e) {
      if (signal && signal.aborted) throw new UpstreamUnavailable('Stopped while fetching ' + shown.href + '.');
      last = describeFailure(e);
    }
    if (attempt >= policy.retries || (signal && signal.aborted)) {
      throw new UpstreamUnavailable('The upstream did not answer GET ' + shown.href + ' (' + last + ') after ' + (attempt + 1) + ' attempt(s). Check that it is up and that --upstream (and --changes-url) point at it.');
    }
    const backoff = Math.min(policy.maxMs, policy.baseMs * Math.pow(2, attempt));
    const delay = Math.min(policy.maxMs, wait === null ? backoff : Math.max(wait, backoff));
    note('upstream: ' + last + ' for ' + shown.href + '; retry ' + (attempt + 1) + '/' + policy.retries + ' in ' + delay + ' ms');
    await sleep(delay, signal);
  }
}
