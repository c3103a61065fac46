// The pull-through's public surface: open it against one registry database and one upstream,
// and serve it, on a port of its own (`couch-registry upstream`, beside a real CouchDB) or
// inside another server (the embedded one, under a path prefix).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Couch } from '../couch/client';
import { openRegistryDb } from '../mirror/registry';
import { Upstream } from '../mirror/upstream';
import type { RetryPolicy } from '../mirror/http';
import { normalizeScope, PullThrough } from './pull';
import { pullThroughHandler } from './service';

export { PullThrough, normalizeScope } from './pull';
export { pullThroughHandler } from './service';
export { loadKnown, startSweeping, sweep } from './sweep';

/** The path the embedded server serves the pull-through under, beside CouchDB's own API. */
export const EMBEDDED_PREFIX = '/_couch_registry/upstream';
export const DEFAULT_MAX_AGE = 300;
export const DEFAULT_TIMEOUT_MS = 10_000;

export interface PullThroughOptions {
  /** Server admin URL, or a client for it. */
  couch: string | Couch;
  db?: string;
  upstream: string;
  privateScopes?: string[];
  maxAgeSeconds?: number;
  /** Per upstream request; a client is waiting, so no retries. */
  timeoutMs?: number;
  outagePauseMs?: number;
  log?: (line: string) => void;
}

export async function openPullThrough(opts: PullThroughOptions): Promise<PullThrough> {
  const couch = typeof opts.couch === 'string' ? new Couch(opts.couch) : opts.couch;
  const reg = await openRegistryDb(couch, opts.db || 'registry');
  const log = opts.log || (() => undefined);
  const policy: RetryPolicy = { retries: 0, baseMs: 200, maxMs: 1000, timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS };
  const upstream = new Upstream(opts.upstream, undefined, policy, log);
  return new PullThrough({
    reg, upstream, log,
    privateScopes: (opts.privateScopes || []).map(normalizeScope),
    maxAgeSeconds: opts.maxAgeSeconds ?? DEFAULT_MAX_AGE,
    outagePauseMs: opts.outagePauseMs,
  });
}

export interface PullThroughServer {
  /** http://HOST:PORT, no trailing slash */
  url: string;
  /** Starts answering for `pull` (until then every request is answered 503). */
  serve(pull: PullThrough): void;
  close(): Promise<void>;
}

/**
 * A port of its own for the pull-through (paths without a prefix). It listens before it serves,
 * so the URL can go into the design document (setup) before the service opens the registry.
 */
export async function listenForPullThrough(host: string, port: number): Promise<PullThroughServer> {
  let handle: ReturnType<typeof pullThroughHandler> | null = null;
  const server: Server = createServer((req, res) => {
    if (handle) return void handle(req, res);
    res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' });
    res.end(JSON.stringify({ error: 'The pull-through service is starting; try again in a moment.', reason: 'unavailable' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? '[' + host + ']' : host;
  return {
    url: 'http://' + shownHost + ':' + address.port,
    serve: (pull) => {
      handle = pullThroughHandler(pull, '');
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}

/** Serves the pull-through on a port of its own. */
export async function servePullThrough(pull: PullThrough, host: string, port: number): Promise<PullThroughServer> {
  const server = await listenForPullThrough(host, port);
  server.serve(pull);
  return server;
}
