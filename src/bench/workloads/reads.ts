// Workload 1, reads: requests/s and p50/p99 at 16 connections for each read path npm uses, next
// to CouchDB's own limit for the same bytes (a plain document GET, a plain attachment GET). The
// registry paths run anonymously and again with a Bearer token, as npm sends once logged in.
// Paths alternate (limit, anonymous, token) so a drift during the run touches all alike.
import { nameSegment, tarballFile } from '../../shared/package-name';
import { head, type BenchContext, type LineHead } from '../context';
import { answerSummary, bearer, pool, timedFetch } from '../http';
import { runLoad, type LoadResult } from '../load';
import { round } from '../stats';
import type { PackageSpec } from '../synthetic';

/** The Accept header of `npm install`. */
export const NPM_INSTALL_ACCEPT = 'application/vnd.npm.install-v1+json; q=1.0, application/json; q=0.8, */*';

type Auth = 'anonymous' | 'token';
type PathKey = 'document' | 'packument' | 'abbreviated' | 'attachment' | 'tarball' | 'revalidate';

export interface ReadRow extends LoadResult {
  path: PathKey;
  label: string;
  auth: Auth;
  /** requests/s relative to the plain CouchDB GET of the same thing (1 for the limits themselves). */
  vsLimit: number;
  /** requests/s with the token relative to the same path anonymously (token rows only). */
  vsAnonymous?: number;
}

export interface ReadsResult extends LineHead {
  package: string;
  versions: number;
  bytes: { document: number; packument: number; abbreviated: number; tarball: number };
  connections: number;
  seconds: number | null;
  requestsPerPath: number | null;
  rows: ReadRow[];
}

interface Case {
  path: PathKey;
  label: string;
  auth: Auth;
  url: string;
  headers: Record<string, string>;
  expect: number;
  limit: 'document' | 'attachment';
}

const LABELS: Record<PathKey, string> = {
  document: 'plain document GET (limit)',
  packument: 'GET /:pkg full JSON',
  abbreviated: 'GET /:pkg abbreviated',
  attachment: 'plain attachment GET (limit)',
  tarball: 'GET /:pkg/-/:file tarball',
  revalidate: 'GET /:pkg If-None-Match (304)',
};

/** The graph package with the most versions: the biggest packument of the data set. */
function target(ctx: BenchContext) {
  const unscoped = ctx.graph.packages.filter((p) => !p.name.startsWith('@'));
  const list = unscoped.length > 0 ? unscoped : ctx.graph.packages;
  return list.reduce((a, b) => (b.versions.length > a.versions.length ? b : a));
}

/** One request as the load generator will send it; throws with the cause when the answer is wrong. */
async function probe(c: Case): Promise<{ bytes: number; etag: string | null }> {
  const r = await timedFetch(c.url, { headers: c.headers });
  if (r.status !== c.expect) {
    throw new Error(c.label + ' (' + c.auth + ') answered ' + answerSummary(r) + ' instead of ' + c.expect + ' at ' + c.url + '. The registry is not serving this path; `npm test` should show which route is broken.');
  }
  return { bytes: r.body.length, etag: r.headers.get('etag') };
}

/**
 * The paths in measuring order. Revalidation sends the ETag each caller got, as npm does: the
 * show's ETag depends on who asks, so the anonymous and the token ETag differ.
 */
async function readCases(ctx: BenchContext, spec: PackageSpec): Promise<Case[]> {
  const reg = ctx.registry;
  const seg = nameSegment(spec.name);
  const file = tarballFile(spec.name, spec.versions[spec.versions.length - 1]);
  const docUrl = reg.origin + '/' + encodeURIComponent(reg.db) + '/' + encodeURIComponent(spec.name);
  const json = { accept: 'application/json' };
  const corgi = { accept: NPM_INSTALL_ACCEPT };
  const as = (auth: Auth) => (auth === 'token' ? bearer(ctx.user.token) : {});
  const etags: Record<Auth, string> = { anonymous: '', token: '' };
  for (const auth of ['anonymous', 'token'] as Auth[]) {
    const e = (await probe({ path: 'abbreviated', label: LABELS.abbreviated, auth, url: reg.url + seg, headers: { ...corgi, ...as(auth) }, expect: 200, limit: 'document' })).etag;
    if (!e) throw new Error('GET /:pkg answered without an ETag, so npm cannot revalidate; the show must be served by CouchDB with its ETag.');
    etags[auth] = e;
  }
  const cases: Case[] = [];
  const add = (path: PathKey, url: string, headers: Record<string, string>, limit: Case['limit'], registryPath: boolean, expect = 200) => {
    for (const auth of registryPath ? (['anonymous', 'token'] as Auth[]) : (['anonymous'] as Auth[])) {
      const extra: Record<string, string> = path === 'revalidate' ? { 'if-none-match': etags[auth] } : {};
      cases.push({ path, label: LABELS[path], auth, url, headers: { ...headers, ...extra, ...as(auth) }, expect, limit });
    }
  };
  add('document', docUrl, json, 'document', false);
  add('packument', reg.url + seg, json, 'document', true);
  add('abbreviated', reg.url + seg, corgi, 'document', true);
  add('attachment', docUrl + '/' + encodeURIComponent(file), {}, 'attachment', false);
  add('tarball', reg.url + seg + '/-/' + encodeURIComponent(file), {}, 'attachment', true);
  add('revalidate', reg.url + seg, corgi, 'document', true, 304);
  return cases;
}

export async function reads(ctx: BenchContext): Promise<ReadsResult> {
  const sizes = ctx.sizes;
  const spec = target(ctx);
  const cases = await readCases(ctx, spec);
  const bytes = { document: 0, packument: 0, abbreviated: 0, tarball: 0 };
  const rows: ReadRow[] = [];
  const limits: Record<string, number> = {};
  const anonymous: Record<string, number> = {};
  for (const [i, c] of cases.entries()) {
    const p = await probe(c);
    if (c.auth === 'anonymous' && c.path !== 'revalidate' && c.path !== 'attachment') bytes[c.path] = p.bytes;
    // Lets CouchDB start the couchjs processes 16 connections need before the clock runs.
    if (sizes.warmRequests > 0) {
      await pool(Array.from({ length: sizes.warmRequests }), sizes.connections, async () => { await timedFetch(c.url, { headers: c.headers }); });
    }
    ctx.log('reads ' + (i + 1) + '/' + cases.length + ': ' + c.label + ' (' + c.auth + ') …');
    const load = await runLoad({ url: c.url, headers: c.headers, connections: sizes.connections, seconds: sizes.readSeconds, amount: sizes.readAmount, expect: c.expect });
    if (load.unexpected > 0) ctx.log('  warning: ' + load.unexpected + ' of ' + load.requests + ' answers were not ' + c.expect + ' (or failed)');
    if (c.path === c.limit) limits[c.limit] = load.requestsPerSecond;
    if (c.auth === 'anonymous') anonymous[c.path] = load.requestsPerSecond;
    const row: ReadRow = { path: c.path, label: c.label, auth: c.auth, ...load, vsLimit: round(load.requestsPerSecond / limits[c.limit], 2) };
    if (c.auth === 'token') row.vsAnonymous = round(load.requestsPerSecond / anonymous[c.path], 2);
    rows.push(row);
    ctx.log('  ' + load.requestsPerSecond + ' req/s, p50 ' + load.p50Ms + ' ms, p99 ' + load.p99Ms + ' ms');
  }
  return {
    ...head(ctx, 'reads'),
    package: spec.name,
    versions: spec.versions.length,
    bytes,
    connections: sizes.connections,
    seconds: sizes.readAmount ? null : sizes.readSeconds,
    requestsPerPath: sizes.readAmount || null,
    rows,
  };
}
