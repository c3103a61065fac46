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
 *
 * The headers are the client's to choose, so only what can make a plain URL is taken: a scheme of
 * http or https and a host name or address with an optional port. Anything else is ignored, as if
 * the header were absent (a page then carries this registry's own host rather than an error), so
 * no header can put `javascript:` or markup into a tarball URL. A valid but foreign host still
 * shapes the answer of that one request: see baseHeaders.
 */
export function registryBase(req: CouchRequest, publicUrl: string | undefined): string {
  if (publicUrl) return publicUrl.charAt(publicUrl.length - 1) === '/' ? publicUrl : publicUrl + '/';
  const forwardedProto = firstValue(header(req, 'X-Forwarded-Proto'));
  const proto = forwardedProto && /^https?$/i.test(forwardedProto) ? forwardedProto.toLowerCase() : 'http';
  const host = validHost(firstValue(header(req, 'X-Forwarded-Host'))) || validHost(header(req, 'Host')) || 'localhost';
  const path = req.path || [];
  const prefix = path.length > 2 && path[1] === '_design' ? encodeURIComponent(path[0]) + '/_design/' + encodeURIComponent(path[2]) + '/_rewrite/' : '';
  return proto + '://' + host + '/' + prefix;
}

/**
 * Headers for a response whose body embeds registryBase. Without a public URL the body depends on
 * Host and X-Forwarded-Host/-Proto, which CouchDB's show ETag does not cover (chttpd_show hashes
 * the design doc, the document, Accept and the caller's roles, and answers a matching
 * If-None-Match with 304 before the show runs), so such a response must not be stored by a
 * shared cache: `private` keeps it to the client's own cache (npm's is one), and `vary` names the
 * headers. CouchDB overwrites a show's `Vary` with `Accept`, so the names go in a lower-case
 * `vary`, which CouchDB's HTTP layer merges into the same header ("Vary: Accept, Host, …").
 * With --public-url the body depends on none of them and may be cached by anyone.
 */
export function baseHeaders(publicUrl: string | undefined): Record<string, string> {
  if (publicUrl) return {};
  return { 'Cache-Control': 'private', vary: 'Host, X-Forwarded-Host, X-Forwarded-Proto' };
}

/** A host name, IPv4 address or bracketed IPv6 address, with an optional port; else undefined. */
export function validHost(v: string | undefined): string | undefined {
  if (!v || v.length > 261) return undefined;
  const m = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?)(?::(\d{1,5}))?$/.exec(v);
  if (!m) return undefined;
  if (m[2] !== undefined && Number(m[2]) > 65535) return undefined;
  return v.toLowerCase();
}

function firstValue(v: string | undefined): string | undefined {
  if (!v) return undefined;
  const first = v.split(',')[0].trim();
  return first === '' ? undefined : first;
}
