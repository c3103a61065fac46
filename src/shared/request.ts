// Reading what a CouchDB request object carries, the same way on CouchDB and on the stand-in.
import type { CouchRequest } from './couch';

/** Header lookup by name, ignoring case: npm sends lowercase names, curl sends capitalised ones. */
export function header(req: CouchRequest, name: string): string | undefined {
  const wanted = name.toLowerCase();
  const headers = req.headers || {};
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === wanted) return String(headers[key]);
  }
  return undefined;
}

/** A query value as a string (CouchDB passes strings; the stand-in may pass parsed JSON). */
export function queryString(req: CouchRequest, name: string): string | undefined {
  const q = req.query || {};
  if (!Object.prototype.hasOwnProperty.call(q, name)) return undefined;
  const v = q[name];
  if (v === null || v === undefined) return undefined;
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function parseJsonBody(req: CouchRequest): { ok: true; value: unknown } | { ok: false } {
  const body = req.body;
  if (typeof body !== 'string' || body === '' || body === 'undefined') return { ok: false };
  try {
    return { ok: true, value: JSON.parse(body) };
  } catch {
    return { ok: false };
  }
}

/**
 * The registry's base URL as the client reached it, with a trailing slash: the configured public
 * URL if setup was given one, else the proxy's X-Forwarded-Proto/-Host or the Host header, plus
 * `/<db>/_design/<app>/_rewrite/`. CouchDB hands functions the rewritten path only, so a proxy
 * that hides that prefix needs the public URL set at setup.
 */
export function registryBase(req: CouchRequest, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.charAt(publicUrl.length - 1) === '/' ? publicUrl : publicUrl + '/';
  const proto = firstValue(header(req, 'X-Forwarded-Proto')) || 'http';
  const host = firstValue(header(req, 'X-Forwarded-Host')) || header(req, 'Host') || 'localhost';
  const path = req.path || [];
  const prefix = path.length > 2 && path[1] === '_design' ? encodeURIComponent(path[0]) + '/_design/' + encodeURIComponent(path[2]) + '/_rewrite/' : '';
  return proto + '://' + host + '/' + prefix;
}

function firstValue(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const first = v.split(',')[0].trim();
  return first === '' ? undefined : first;
}
