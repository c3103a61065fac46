// The pull-through: what the registry does when CouchDB has no copy (or only a stale one) of a
// package that an upstream registry publishes. The packument is fetched, checked and stored as an
// upstream copy in the mirror's document format (origin `mirror:<upstream>`, src/mirror/prepare.ts),
// without tarballs; a tarball is fetched the first time someone asks for it, verified against
// `dist.integrity`, and attached. From then on CouchDB serves both by itself.
//
// A name whose document is a private package of this registry is never asked for upstream, nor
// is any name under a private scope. One upstream request per package (and per tarball) is in
// flight at a time, however many clients ask at once.
import { CouchError } from '../couch/client';
import type { Attachment } from '../shared/couch';
import { isObject } from '../shared/equal';
import { isLocal } from '../shared/origin';
import { packageNameProblem, parseName, tarballFile } from '../shared/package-name';
import { livePackage, type PackageDoc } from '../shared/packument';
import { UpstreamBadData, UpstreamUnavailable, messageOf } from '../mirror/errors';
import { originFor, prepare, unpublishedStub, type MirrorStamp } from '../mirror/prepare';
import { readPackage, writePackage, type RegistryDb } from '../mirror/registry';
import type { Upstream } from '../mirror/upstream';
import { tarballProblem } from '../mirror/verify';
import { AttachmentWriter, readAttachment } from './attachments';

/** The stamp of a pull-through copy: the mirror's, plus what revalidation and tarballs need. */
export interface PullStamp extends MirrorStamp {
  /** The upstream's ETag for the stored packument, sent back as If-None-Match. */
  etag?: string;
  /** When the upstream last confirmed (or failed to confirm) this copy. */
  checked?: string;
  /** The last upstream failure for this package, while it lasts. */
  error?: string;
  /** Where upstream serves each tarball not yet attached, by attachment name. */
  tarballs?: Record<string, string>;
}

export type PackumentOutcome =
  /**
   * A copy is stored and current (or as current as the upstream let us make it); `doc` is the
   * document as just written (with its new _rev) when this call wrote it.
   */
  | { kind: 'stored' | 'fresh' | 'stale'; doc?: PackageDoc }
  /** The name is not the pull-through's business: a private package, another registry's copy. */
  | { kind: 'not-ours'; message: string }
  | { kind: 'refused'; status: 400 | 404; message: string }
  | { kind: 'failed'; status: 404 | 502 | 503; message: string };

export type TarballOutcome =
  | { kind: 'bytes'; data: Buffer }
  | { kind: 'failed'; status: 404 | 502 | 503; message: string };

export interface PullStats {
  packumentsFetched: number;
  packumentsNotModified: number;
  tarballsFetched: number;
  bytesFetched: number;
  refusedPrivate: number;
  lastError?: { at: string; message: string };
}

export interface PullOptions {
  reg: RegistryDb;
  upstream: Upstream;
  /** Scopes (`@acme`) never asked for upstream. */
  privateScopes: string[];
  /** A copy checked longer ago than this is revalidated before it is served. */
  maxAgeSeconds: number;
  /** After an outage the upstream is not asked again for this long: clients get what is stored at once. */
  outagePauseMs?: number;
  now?: () => Date;
  log?: (line: string) => void;
}

const WRITE_ATTEMPTS = 5;
const OUTAGE_PAUSE_MS = 30_000;

function stampOf(doc: PackageDoc | null): PullStamp | null {
  return doc && isObject(doc.mirror) ? (doc.mirror as unknown as PullStamp) : null;
}

/** The scope of a scoped name (`@acme`), or null. */
export function scopeOf(name: string): string | null {
  return name.charAt(0) === '@' ? name.slice(0, name.indexOf('/')) : null;
}

export function normalizeScope(raw: string): string {
  const s = raw.trim().toLowerCase();
  return s.charAt(0) === '@' ? s : '@' + s;
}

export class PullThrough {
  readonly stats: PullStats = { packumentsFetched: 0, packumentsNotModified: 0, tarballsFetched: 0, bytesFetched: 0, refusedPrivate: 0 };
  readonly origin: string;
  private readonly inFlight = new Map<string, Promise<unknown>>();
  /** Tarball answers in flight, by package and file: resolved before the attachment is written. */
  private readonly answers = new Map<string, Promise<TarballOutcome>>();
  private readonly attachments: AttachmentWriter;
  private readonly now: () => Date;
  private readonly log: (line: string) => void;
  /** Until when the upstream counts as down (ms since the epoch), after an outage. */
  private downUntil = 0;
  private downBecause = '';

  constructor(private readonly opts: PullOptions) {
    this.origin = originFor(opts.upstream.url);
    this.now = opts.now || (() => new Date());
    this.log = opts.log || (() => undefined);
    this.attachments = new AttachmentWriter(opts.reg, this.origin, (message) => this.noteError(message));
  }

  get upstreamUrl(): string {
    return this.opts.upstream.url;
  }

  get registry(): RegistryDb {
    return this.opts.reg;
  }

  isPrivateName(name: string): boolean {
    const scope = scopeOf(name);
    return scope !== null && this.opts.privateScopes.indexOf(scope.toLowerCase()) >= 0;
  }

  private once<T>(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.inFlight.get(key);
    if (running) return running as Promise<T>;
    const p = work().finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, p);
    return p;
  }

  /** Keeps `message` as the last upstream error and logs it. */
  noteError(message: string): void {
    this.stats.lastError = { at: this.now().toISOString(), message };
    this.log('[upstream] ' + message);
  }

  isFresh(doc: PackageDoc): boolean {
    const stamp = stampOf(doc);
    const at = stamp && Date.parse(stamp.checked || stamp.fetched);
    return typeof at === 'number' && !isNaN(at) && this.now().getTime() - at < this.opts.maxAgeSeconds * 1000;
  }

  /** Names of this upstream's copies that the sweep keeps current (see sweep()). */
  readonly known = new Set<string>();

  /**
   * Makes sure the registry holds a current copy of `name`, fetching or revalidating it. With
   * `prefetch` (an install is asking), a newly fetched packument is stored together with the
   * tarball of its `latest` version, the one an install most often takes: one write instead of
   * two, and that tarball is then CouchDB's to serve from the first request on.
   */
  packument(name: string, opts: { prefetch?: boolean } = {}): Promise<PackumentOutcome> {
    const problem = packageNameProblem(name);
    if (problem) return Promise.resolve({ kind: 'refused', status: 400, message: problem });
    if (this.isPrivateName(name)) {
      this.stats.refusedPrivate++;
      return Promise.resolve({ kind: 'refused', status: 404, message: 'The package ' + name + ' is not in this registry, and ' + scopeOf(name) + ' is a private scope: it is never looked up in the upstream registry.' });
    }
    return this.once('p:' + name, () => this.refresh(name, Boolean(opts.prefetch)));
  }

  private async refresh(name: string, prefetch: boolean): Promise<PackumentOutcome> {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const existing = await readPackage(this.opts.reg, name);
      if (existing && isLocal(existing, this.opts.reg.id)) {
        return { kind: 'not-ours', message: name + ' is a private package of this registry; it is never looked up upstream.' };
      }
      if (existing && existing.origin !== this.origin) {
        return { kind: 'not-ours', message: name + ' came from elsewhere (' + String(existing.origin) + '); the pull-through leaves it alone.' };
      }
      if (existing && this.isFresh(existing)) return { kind: 'fresh' };
      const stamp = stampOf(existing);
      let answer: Awaited<ReturnType<Upstream['packumentSince']>>;
      try {
        if (this.now().getTime() < this.downUntil) throw new UpstreamUnavailable(this.downBecause);
        answer = await this.opts.upstream.packumentSince(name, existing && livePackage(existing) && stamp ? stamp.etag : undefined);
      } catch (e) {
        return this.upstreamFailed(name, existing, e);
      }
      const at = this.now().toISOString();
      let doc: PackageDoc;
      if (answer.status === 304) {
        this.stats.packumentsNotModified++;
        doc = { ...(existing as PackageDoc), mirror: { ...(stamp as PullStamp), checked: at, error: undefined } };
        delete (doc.mirror as PullStamp).error;
      } else if (answer.status === 404) {
        if (!existing) return { kind: 'failed', status: 404, message: 'The package ' + name + ' is not in this registry, nor in the upstream registry ' + this.opts.upstream.url + '.' };
        if (!livePackage(existing)) return { kind: 'failed', status: 404, message: 'The package ' + name + ' was unpublished from the upstream registry ' + this.opts.upstream.url + '.' };
        doc = unpublishedStub(name, existing, null, { upstream: this.opts.upstream.url, fetched: at });
        doc._rev = existing._rev;
      } else {
        this.stats.packumentsFetched++;
        const built = this.build(name, existing, answer.value, answer.etag, at);
        if (typeof built === 'string') {
          this.noteError(built);
          return existing && livePackage(existing) ? { kind: 'stale' } : { kind: 'failed', status: 502, message: built };
        }
        doc = built;
        if (prefetch) await this.attachLatest(name, doc);
      }
      let w: Awaited<ReturnType<typeof writePackage>>;
      try {
        w = await writePackage(this.opts.reg, doc);
      } catch (e) {
        if (!(e instanceof CouchError) || e.status === undefined) throw e;
        const message = 'CouchDB could not store the upstream copy of ' + name + ' (' + e.message + ')' +
          (e.status === 413 ? '; raise [couchdb] max_document_size (setup --upstream does) and try again.' : '.');
        this.noteError(message);
        return existing && livePackage(existing) ? { kind: 'stale' } : { kind: 'failed', status: 502, message };
      }
      if (w.ok) {
        if (!livePackage(doc)) return { kind: 'failed', status: 404, message: 'The package ' + name + ' was unpublished from the upstream registry ' + this.opts.upstream.url + '.' };
        this.known.add(name);
        return { kind: answer.status === 304 ? 'fresh' : 'stored', doc: { ...doc, _rev: w.rev } };
      }
      if (!w.conflict) {
        const message = 'The registry refused the upstream copy of ' + name + ': ' + w.reason;
        this.noteError(message);
        return { kind: 'failed', status: 502, message };
      }
    }
    return { kind: 'failed', status: 503, message: name + ' kept changing in the registry while it was fetched from upstream; try again.' };
  }

  private async upstreamFailed(name: string, existing: PackageDoc | null, e: unknown): Promise<PackumentOutcome> {
    const down = e instanceof UpstreamUnavailable;
    if (!down && !(e instanceof UpstreamBadData)) throw e;
    const message = messageOf(e);
    if (down && this.now().getTime() >= this.downUntil) {
      this.downUntil = this.now().getTime() + (this.opts.outagePauseMs ?? OUTAGE_PAUSE_MS);
      this.downBecause = message;
    }
    this.noteError(message);
    if (existing && livePackage(existing)) {
      // Serve what we have; note the failure so the copy is not retried on every request.
      const stamp = stampOf(existing) as PullStamp;
      const doc = { ...existing, mirror: { ...stamp, checked: this.now().toISOString(), error: message } };
      await writePackage(this.opts.reg, doc).catch(() => undefined);
      return { kind: 'stale' };
    }
    if (down) return { kind: 'failed', status: 503, message: 'The package ' + name + ' is not in this registry yet, and the upstream registry ' + this.opts.upstream.url + ' did not answer: ' + message };
    return { kind: 'failed', status: 502, message: message + ' Nothing was stored for ' + name + '.' };
  }

  /** The document to store from an upstream packument, keeping the tarballs already attached. */
  private build(name: string, existing: PackageDoc | null, raw: unknown, etag: string | undefined, at: string): PackageDoc | string {
    const stamp: PullStamp = { upstream: this.opts.upstream.url, fetched: at, checked: at };
    if (isObject(raw) && typeof raw._rev === 'string') stamp.rev = raw._rev;
    if (etag) stamp.etag = etag;
    const prepared = prepare(name, raw, stamp);
    if (!prepared.ok) return prepared.problem + ' Nothing was stored.';
    const { doc, tarballs } = prepared.value;
    const attachments: Record<string, Attachment> = {};
    const pending: Record<string, string> = {};
    for (const t of tarballs) {
      const old = existing && existing.versions && existing.versions[t.version];
      const stored = existing && existing._attachments && existing._attachments[t.file];
      if (stored && old && isObject(old.dist)) {
        const oldDist = old.dist as Record<string, unknown>;
        if ((t.integrity && oldDist.integrity !== t.integrity) || (t.shasum && oldDist.shasum && oldDist.shasum !== t.shasum)) {
          return 'The upstream registry changed the published tarball of ' + name + '@' + t.version + ' (its digest differs from the stored one); published versions never change, so ' + name + ' was not updated.';
        }
        attachments[t.file] = stored;
      } else {
        pending[t.file] = t.url;
      }
    }
    stamp.tarballs = pending;
    if (Object.keys(attachments).length > 0) doc._attachments = attachments;
    if (existing) doc._rev = existing._rev;
    return doc;
  }

  /** The bytes of one tarball of an upstream copy: from the registry if attached, else fetched, verified and attached. */
  tarball(name: string, file: string): Promise<TarballOutcome> {
    if (packageNameProblem(name) || this.isPrivateName(name)) {
      return Promise.resolve({ kind: 'failed', status: 404, message: 'The tarball ' + file + ' is not in this registry.' });
    }
    // The client gets the bytes once they are verified; the flight lasts until they are attached,
    // so a client asking meanwhile is answered from it instead of fetching them again.
    const key = 't:' + name + '/' + file;
    const running = this.answers.get(key);
    if (running) return running;
    let early: (o: TarballOutcome) => void = () => undefined;
    const answer = new Promise<TarballOutcome>((resolve) => { early = resolve; });
    this.answers.set(key, answer);
    this.fetchTarball(name, file, early).then(early, (e) => early({ kind: 'failed', status: 502, message: 'The pull-through failed: ' + messageOf(e) }))
      .finally(() => this.answers.delete(key));
    return answer;
  }

  /** Adds the `latest` version's tarball to a document about to be written, inline, if it can be had and verified. */
  private async attachLatest(name: string, doc: PackageDoc): Promise<void> {
    const latest = doc['dist-tags'] && doc['dist-tags'].latest;
    const stamp = stampOf(doc);
    if (!latest || !stamp || !stamp.tarballs) return;
    const file = tarballFile(name, latest);
    const url = stamp.tarballs[file];
    const manifest = doc.versions && doc.versions[latest];
    if (!url || !manifest) return;
    const got = await this.download(url, manifest.dist, name + '@' + latest);
    if (!Buffer.isBuffer(got)) return;
    doc._attachments = { ...(doc._attachments || {}), [file]: { content_type: 'application/octet-stream', data: got.toString('base64') } };
    delete stamp.tarballs[file];
  }

  /** A tarball's bytes from the upstream, verified against its digests; or why not, as an outcome. */
  private async download(url: string, dist: { integrity?: string; shasum?: string }, label: string): Promise<Buffer | TarballOutcome> {
    let data: Buffer;
    try {
      if (this.now().getTime() < this.downUntil) throw new UpstreamUnavailable(this.downBecause);
      data = await this.opts.upstream.tarball(url, label);
    } catch (e) {
      if (!(e instanceof UpstreamUnavailable) && !(e instanceof UpstreamBadData)) throw e;
      const message = messageOf(e);
      this.noteError(message);
      return { kind: 'failed', status: e instanceof UpstreamUnavailable ? 503 : 502, message: 'The tarball of ' + label + ' could not be fetched from the upstream registry: ' + message };
    }
    this.stats.tarballsFetched++;
    this.stats.bytesFetched += data.length;
    const problem = tarballProblem(data, dist, label);
    if (problem) {
      this.noteError(problem);
      return { kind: 'failed', status: 502, message: problem };
    }
    return data;
  }

  private async fetchTarball(name: string, file: string, early: (o: TarballOutcome) => void): Promise<TarballOutcome> {
    const missing = (why: string): TarballOutcome => ({ kind: 'failed', status: 404, message: 'The tarball ' + file + ' of ' + name + ' is not in this registry' + why + '.' });
    const doc = await readPackage(this.opts.reg, name);
    if (!doc || !livePackage(doc)) return missing('');
    if (doc._attachments && doc._attachments[file]) return { kind: 'bytes', data: await readAttachment(this.opts.reg, name, file) };
    if (doc.origin !== this.origin) return missing('');
    const version = Object.keys(doc.versions || {}).find((v) => tarballFile(name, v) === file);
    if (!version) return missing(': no version of ' + name + ' has it');
    const manifest = (doc.versions as Record<string, { dist: { integrity?: string; shasum?: string } }>)[version];
    const stamp = stampOf(doc);
    const url = (stamp && stamp.tarballs && stamp.tarballs[file]) || this.opts.upstream.url + '/' + defaultTarballPath(name, file);
    const data = await this.download(url, manifest.dist, name + '@' + version);
    if (!Buffer.isBuffer(data)) return data;
    early({ kind: 'bytes', data });
    await this.attachments.attach(name, file, data);
    return { kind: 'bytes', data };
  }
}

/** npm's own layout, for copies stored before tarball URLs were kept: `<name>/-/<file>`. */
function defaultTarballPath(name: string, file: string): string {
  const p = parseName(name);
  return (p.scope ? '@' + p.scope + '/' + p.base : p.base) + '/-/' + file;
}
