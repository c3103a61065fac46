// Replication from another CouchDB registry into this one, as a `_replicator` job that CouchDB
// runs by itself (the embedded stand-in has no scheduler: it replicates once through _replicate).
// Design documents never come along (they would replace this registry's own), and the names of
// private packages are left out, so a copy from elsewhere never meets a private package.
import { createHash } from 'node:crypto';
import type { Couch } from '../couch/client';
import { CouchError } from '../couch/client';
import type { RegistryDb } from './private-names';

export interface Endpoint {
  url: string;
  auth?: { basic: { username: string; password: string } };
}

export interface JobOptions {
  continuous: boolean;
  packages?: string[];
}

export interface JobState {
  state: string;
  docsRead: number;
  docsWritten: number;
  writeFailures: number;
  pending: number | null;
  error?: string;
}

/** Splits credentials out of a URL, so they travel in `auth` and never in a printed URL. */
export function endpoint(raw: string): Endpoint {
  const u = new URL(raw);
  const out: Endpoint = { url: '' };
  if (u.username) out.auth = { basic: { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) } };
  u.username = '';
  u.password = '';
  out.url = u.href.replace(/\/+$/, '');
  return out;
}

export function jobId(source: string, reg: RegistryDb): string {
  return 'couch-registry-' + createHash('sha1').update(endpoint(source).url + ' -> ' + reg.db).digest('hex').slice(0, 16);
}

export function replicationDoc(couch: Couch, source: string, reg: RegistryDb, privates: string[], opts: JobOptions): Record<string, unknown> {
  const target = endpoint(couch.target.url.href.replace(/\/+$/, '') + '/' + encodeURIComponent(reg.db));
  const doc: Record<string, unknown> = { source: endpoint(source), target, continuous: opts.continuous, create_target: false };
  if (opts.packages && opts.packages.length > 0) {
    doc.doc_ids = opts.packages.filter((p) => privates.indexOf(p) < 0 && p.charAt(0) !== '_');
  } else {
    doc.selector = { _id: { $regex: '^[^_]', $nin: privates } };
  }
  return doc;
}

export async function startJob(couch: Couch, id: string, doc: Record<string, unknown>): Promise<void> {
  const path = '_replicator/' + encodeURIComponent(id);
  const existing = await couch.request('GET', path, undefined, { allow404: true });
  // A finished or outdated job is replaced: the private names it leaves out may have changed.
  if (existing) await couch.request('DELETE', path, undefined, { qs: { rev: existing._rev } });
  await couch.request('PUT', path, { _id: id, ...doc });
}

export async function jobState(couch: Couch, id: string): Promise<JobState | null> {
  const s = await couch.request('GET', '_scheduler/docs/_replicator/' + encodeURIComponent(id), undefined, { allow404: true });
  if (!s) return null;
  const info = s.info || {};
  return {
    state: String(s.state || 'unknown'),
    docsRead: info.docs_read || 0,
    docsWritten: info.docs_written || 0,
    writeFailures: info.doc_write_failures || 0,
    pending: typeof info.changes_pending === 'number' ? info.changes_pending : null,
    error: info.error ? String(info.error) : undefined,
  };
}

export async function stopJob(couch: Couch, id: string): Promise<boolean> {
  const path = '_replicator/' + encodeURIComponent(id);
  const existing = await couch.request('GET', path, undefined, { allow404: true });
  if (!existing) return false;
  await couch.request('DELETE', path, undefined, { qs: { rev: existing._rev } });
  return true;
}

/** Waits for a one-shot job to finish, reporting progress as it goes. */
export async function waitForJob(couch: Couch, id: string, log: (line: string) => void, timeoutMs = 30 * 60_000): Promise<JobState> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const s = await jobState(couch, id);
    if (s) {
      const line = describe(s);
      if (line !== last) log(line);
      last = line;
      if (s.state === 'completed') return s;
      if (s.state === 'failed' || s.state === 'crashing' || s.state === 'error') {
        throw new CouchError('The replication stopped: ' + (s.error || s.state) + '. Check that --from is reachable from CouchDB itself and that its credentials are right.');
      }
    }
    if (Date.now() > deadline) throw new CouchError('The replication did not finish in time; follow it with couch-registry replicate --status.');
    await new Promise((r) => setTimeout(r, 500));
  }
}

export function describe(s: JobState): string {
  return 'replication ' + s.state + ': ' + s.docsRead + ' read, ' + s.docsWritten + ' written, ' + s.writeFailures + ' refused' +
    (s.pending !== null ? ', ' + s.pending + ' pending' : '') + (s.error ? ' (' + s.error + ')' : '');
}

/**
 * The stand-in has no replication scheduler, and its _replicate loses URL credentials and the
 * filters; there the command copies the documents itself, as CouchDB's replicator would: every
 * revision with its history and attachments, written with new_edits=false so the target's
 * validate_doc_update judges each one.
 */
export async function copyOnce(couch: Couch, doc: Record<string, unknown>): Promise<JobState> {
  const source = doc.source as Endpoint;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (source.auth) headers.authorization = 'Basic ' + Buffer.from(source.auth.basic.username + ':' + source.auth.basic.password).toString('base64');
  const res = await fetch(source.url + '/_all_docs?include_docs=true&attachments=true&revs=true', { headers });
  if (!res.ok) throw new CouchError('Could not read ' + source.url + ': ' + res.status + ' ' + res.statusText + '. Check the URL and its credentials.');
  const rows = ((await res.json()) as { rows: Array<{ id: string; doc: Record<string, unknown> }> }).rows;
  const ids = doc.doc_ids as string[] | undefined;
  const excluded = ((doc.selector as { _id?: { $nin?: string[] } } | undefined)?._id?.$nin) || [];
  const docs = rows.filter((r) => r.id.charAt(0) !== '_' && (ids ? ids.includes(r.id) : !excluded.includes(r.id))).map((r) => r.doc);
  const target = (doc.target as Endpoint).url.split('/').pop() as string;
  const results: Array<{ error?: string }> = docs.length === 0 ? [] : await couch.request('POST', target + '/_bulk_docs', { docs, new_edits: false });
  const failures = results.filter((r) => r.error).length;
  return { state: 'completed', docsRead: docs.length, docsWritten: docs.length - failures, writeFailures: failures, pending: 0 };
}
