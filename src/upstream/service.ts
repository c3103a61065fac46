// The pull-through's HTTP face. CouchDB sends a client here only on a miss: the package show
// redirects a name it has no copy of (or only a stale copy of) to `/packument/<name>?back=<URL>`,
// and the tarball show redirects a tarball not yet attached to `/tarball/<name>/<file>`. After a
// packument is stored the client is sent back to the registry URL it came from, so CouchDB serves
// the packument; a tarball is answered here once, while it is attached.
//
//   GET <prefix>/packument/<name>?back=<registry URL of the packument>
//   GET <prefix>/tarball/<name>/<file>
//   GET <prefix>/status      counters since start (no names, no secrets)
import type { IncomingMessage, ServerResponse } from 'node:http';
import { messageOf } from '../mirror/errors';
import { nameSegment } from '../shared/package-name';
import { abbreviatedPackument, fullPackument } from '../shared/packument';
import { BACK_MARK, pendingTarballs } from '../shared/upstream';
import type { PullThrough } from './pull';

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', 'Content-Length': String(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, sentence: string): void {
  sendJson(res, status, { error: sentence, reason: sentence });
}

/**
 * Where to send the client after a packument is stored: the registry URL the show named, but
 * only an http(s) URL on the host this request came to (the same machine's CouchDB), so the
 * service is no open redirect.
 */
export function backUrl(raw: string | null, requestHost: string | undefined): URL | null {
  if (!raw) return null;
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return null;
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.username || u.password) return null;
  const host = (requestHost || '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '').toLowerCase();
  if (u.hostname.replace(/^\[|\]$/g, '').toLowerCase() !== host) return null;
  u.searchParams.set(BACK_MARK, '1');
  return u;
}

/** The path parts after the prefix, decoded; null when the path is not ours. */
function partsOf(url: string, prefix: string): string[] | null {
  const path = url.split('?')[0];
  if (path !== prefix && path.indexOf(prefix + '/') !== 0) return null;
  try {
    return path.slice(prefix.length).split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
  } catch {
    return [];
  }
}

/**
 * A request handler for the pull-through under `prefix` (e.g. `/_couch_registry/upstream`, or ``
 * when the service has a port of its own). Resolves false when the path is not the service's.
 */
export function pullThroughHandler(pull: PullThrough, prefix: string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const parts = partsOf(req.url || '/', prefix);
    if (parts === null) return false;
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        sendError(res, 405, 'The pull-through answers GET requests only.');
      } else if (parts[0] === 'packument' && parts.length >= 2) {
        await packument(pull, req, res, parts.slice(1).join('/'));
      } else if (parts[0] === 'tarball' && parts.length >= 3) {
        await tarball(pull, req, res, parts.slice(1, -1).join('/'), parts[parts.length - 1]);
      } else if (parts[0] === 'status' && parts.length === 1) {
        sendJson(res, 200, { upstream: pull.upstreamUrl, ...pull.stats });
      } else {
        sendError(res, 404, 'The pull-through has no such path: ' + (req.url || '').split('?')[0] + '.');
      }
    } catch (e) {
      if (!res.headersSent) sendError(res, 500, 'The pull-through failed: ' + messageOf(e));
      else res.destroy();
    }
    return true;
  };
}

async function packument(pull: PullThrough, req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
  const query = new URL(req.url || '/', 'http://x').searchParams;
  const back = backUrl(query.get('back'), req.headers.host);
  if (!back) {
    sendError(res, 400, 'The pull-through needs ?back=<the registry URL of the packument> on this host; follow the registry\'s redirect rather than calling it directly.');
    return;
  }
  const outcome = await pull.packument(name, { prefetch: installing(req) });
  if (outcome.kind === 'refused' || outcome.kind === 'failed') {
    sendError(res, outcome.status, outcome.message);
    return;
  }
  const base = outcome.kind !== 'not-ours' && outcome.doc ? registryBaseOf(back, name) : null;
  if (outcome.kind !== 'not-ours' && outcome.doc && base) {
    // Just written: answer with it, built as the package show builds it, and save the client the
    // trip back. Every later request is CouchDB's.
    const doc = outcome.doc;
    const at = { base, own: false, pending: pendingTarballs(doc) };
    const corgi = String(req.headers.accept || '').indexOf(CORGI) >= 0;
    const text = JSON.stringify(corgi ? abbreviatedPackument(doc, at) : fullPackument(doc, at));
    res.writeHead(200, { 'Content-Type': corgi ? CORGI : 'application/json', 'Cache-Control': 'no-store', 'Content-Length': String(Buffer.byteLength(text)) });
    res.end(req.method === 'HEAD' ? undefined : text);
    return;
  }
  // fresh, stale, or not ours after all: CouchDB answers from what it holds.
  res.writeHead(302, { Location: back.href, 'Cache-Control': 'no-store', 'Content-Length': '0' });
  res.end();
}

const CORGI = 'application/vnd.npm.install-v1+json';

/** npm's commands that read a packument without installing from it (npm names its command in every request). */
const LOOKING_ONLY = ['view', 'info', 'show', 'v', 'outdated', 'search', 'publish', 'dist-tag', 'owner', 'deprecate', 'unpublish', 'access', 'audit', 'doctor', 'star', 'unstar'];

/** Whether the client is installing (npm install, ci, update, exec, or another client): then the latest tarball comes along. */
function installing(req: IncomingMessage): boolean {
  const command = req.headers['npm-command'];
  return typeof command !== 'string' || LOOKING_ONLY.indexOf(command) < 0;
}

/** The registry URL the packument URL `back` lies under (the show made it base + name), or null. */
function registryBaseOf(back: URL, name: string): string | null {
  const suffix = '/' + nameSegment(name);
  const path = back.pathname;
  if (path.slice(-suffix.length).toLowerCase() !== suffix.toLowerCase()) return null;
  return back.origin + path.slice(0, path.length - suffix.length) + '/';
}

async function tarball(pull: PullThrough, req: IncomingMessage, res: ServerResponse, name: string, file: string): Promise<void> {
  const outcome = await pull.tarball(name, file);
  if (outcome.kind === 'failed') {
    sendError(res, outcome.status, outcome.message);
    return;
  }
  res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(outcome.data.length), 'Cache-Control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : outcome.data);
}
