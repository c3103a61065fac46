// The pull-through as the design document sees it (the Node side is src/upstream/): which names
// may be looked up upstream, when a stored upstream copy is too old to serve, which of its
// tarballs are not attached yet, and where a client goes on a miss. Pure, and in the syntax every
// CouchDB engine accepts.
import type { PackageDoc } from './packument';
import { nameSegment, tarballFile } from './package-name';

/**
 * The query parameter the service adds when it sends a client back to the registry: the show then
 * answers from what CouchDB holds instead of redirecting again (no loop, whatever the clocks say).
 */
export const BACK_MARK = 'upstream';

export interface UpstreamSettings {
  /** The upstream registry, without credentials or trailing slash. */
  url: string;
  /** The pull-through service: an absolute URL, or a path on the registry's own host. */
  service: string;
  /** A copy checked longer ago than this is revalidated before it is served. */
  maxAge: number;
  /** Scopes (`@acme`) that are never looked up upstream. */
  privateScopes: string[];
}

/** The origin the pull-through and the mirror stamp on copies of this upstream (src/mirror/prepare.ts). */
export function upstreamOrigin(up: UpstreamSettings): string {
  return 'mirror:' + up.url;
}

export function upstreamSettings(raw: unknown): UpstreamSettings | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.url !== 'string' || typeof r.service !== 'string' || r.url === '' || r.service === '') return undefined;
  const scopes: string[] = [];
  if (Array.isArray(r.privateScopes)) {
    for (let i = 0; i < r.privateScopes.length; i++) if (typeof r.privateScopes[i] === 'string') scopes.push(r.privateScopes[i] as string);
  }
  return { url: r.url, service: r.service, maxAge: typeof r.maxAge === 'number' ? r.maxAge : 300, privateScopes: scopes };
}

export function inPrivateScope(name: string, up: UpstreamSettings): boolean {
  if (name.charAt(0) !== '@') return false;
  const scope = name.slice(0, name.indexOf('/')).toLowerCase();
  return up.privateScopes.indexOf(scope) >= 0;
}

/** Whether `doc` is a copy of this upstream (and so the pull-through's to refresh). */
export function isUpstreamCopy(doc: PackageDoc | null, up: UpstreamSettings | undefined): boolean {
  return Boolean(doc && up && doc.origin === upstreamOrigin(up));
}

/** Whether an upstream copy was last confirmed longer ago than the max age allows. */
export function isStale(doc: PackageDoc, up: UpstreamSettings, nowMs: number): boolean {
  const stamp = doc.mirror as { checked?: unknown; fetched?: unknown } | undefined;
  const when = stamp && (typeof stamp.checked === 'string' ? stamp.checked : stamp.fetched);
  const at = typeof when === 'string' ? Date.parse(when) : NaN;
  return isNaN(at) || nowMs - at >= up.maxAge * 1000;
}

/** The pull-through service's URL, made absolute against the registry base when it is a path. */
export function serviceUrl(up: UpstreamSettings, base: string): string {
  const service = up.service.replace(/\/+$/, '');
  if (service.charAt(0) !== '/') return service;
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/]+)/i.exec(base);
  return (m ? m[1] : '') + service;
}

/** Where a client goes for a packument the registry does not hold (or holds stale). */
export function packumentMissUrl(up: UpstreamSettings, base: string, name: string): string {
  return serviceUrl(up, base) + '/packument/' + encodeURIComponent(name) + '?back=' + encodeURIComponent(base + nameSegment(name));
}

/** Where a client goes for a tarball of an upstream copy that is not attached yet. */
export function tarballMissUrl(up: UpstreamSettings, base: string, name: string, file: string): string {
  return serviceUrl(up, base) + '/tarball/' + encodeURIComponent(name) + '/' + encodeURIComponent(file);
}

/**
 * The registry route of a tarball not attached yet: under the registry URL, so a lockfile never
 * names the service or the upstream, and it keeps working once the tarball is attached.
 */
export function pendingTarballPath(name: string, file: string): string {
  return nameSegment(name) + '/-/upstream/' + file;
}

/** The versions of an upstream copy whose tarball is not attached yet, by version. */
export function pendingTarballs(doc: PackageDoc): Record<string, string> {
  const out: Record<string, string> = {};
  const atts = doc._attachments || {};
  const versions = doc.versions || {};
  for (const v of Object.keys(versions)) {
    const file = tarballFile(doc.name, v);
    if (!Object.prototype.hasOwnProperty.call(atts, file)) out[v] = pendingTarballPath(doc.name, file);
  }
  return out;
}
