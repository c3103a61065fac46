// A small upstream npm registry for mirror tests (no test reaches the internet): packuments whose
// tarball URLs point at itself, real tarballs, and a CouchDB-shaped change feed with integer
// sequences (`GET /_changes?since=&limit=`, `GET /` for update_seq). A test publishes versions
// (each one a change), serves a corrupt tarball, makes the next requests fail, and stops and
// restarts it on the same port. It counts what it serves, so tests can tell what was fetched.
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { makeTarball } from './tarball';

export interface UpstreamVersion {
  deps?: Record<string, string>;
  peerDeps?: Record<string, string>;
  optionalDeps?: Record<string, string>;
  tag?: string;
  /** Another description, which makes another tarball for the same version. */
  description?: string;
  /** Serve bytes that do not match the published integrity. */
  corrupt?: boolean;
}

interface Doc {
  name: string;
  gen: number;
  versions: Record<string, Record<string, unknown>>;
  tags: Record<string, string>;
  time: Record<string, string>;
  unpublished?: boolean;
}

export class TestUpstream {
  url = '';
  seq = 0;
  /** Packument GETs per package name. */
  readonly packumentFetches = new Map<string, number>();
  readonly tarballFetches = new Map<string, number>();
  /** Packument GETs answered 304 Not Modified (If-None-Match matched the ETag). */
  notModified = 0;
  /** Every request, of any kind: a test that expects no upstream traffic checks this. */
  requests = 0;
  private readonly bad = new Map<string, 'other-name' | 'not-json' | 'redirect'>();
  /** The `since` of every change-feed request, in order. */
  readonly changesSince: string[] = [];
  private readonly docs = new Map<string, Doc>();
  private readonly tarballs = new Map<string, Buffer>();
  private changes: Array<{ seq: number; id: string; rev: string; deleted: boolean }> = [];
  private failures: number[] = [];
  private server: Server | null = null;
  private port = 0;

  get changesUrl(): string {
    return this.url + '/_changes';
  }

  async start(): Promise<this> {
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    this.url = 'http://127.0.0.1:' + this.port;
    return this;
  }

  /** Stops answering (connections refused) until start() is called again. */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    s.closeAllConnections();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }

  /** The next `n` requests, of any kind, answer `status`. */
  failNext(n: number, status = 503): void {
    for (let i = 0; i < n; i++) this.failures.push(status);
  }

  publish(name: string, version: string, opts: UpstreamVersion = {}): void {
    const doc = this.docs.get(name) || { name, gen: 0, versions: {}, tags: {}, time: { created: new Date().toISOString() } };
    doc.unpublished = false;
    const manifest: Record<string, unknown> = { name, version, description: opts.description || 'upstream ' + name, main: 'index.js', license: 'MIT' };
    if (opts.deps) manifest.dependencies = opts.deps;
    if (opts.peerDeps) manifest.peerDependencies = opts.peerDeps;
    if (opts.optionalDeps) manifest.optionalDependencies = opts.optionalDeps;
    const tgz = makeTarball(manifest, { 'README.md': '# ' + name + ' ' + version + '\n' });
    const base = name.replace(/^@[^/]+\//, '');
    const path = '/' + name + '/-/' + base + '-' + version + '.tgz';
    this.tarballs.set(path, opts.corrupt ? Buffer.concat([tgz, Buffer.from('tampered')]) : tgz);
    doc.versions[version] = {
      ...manifest,
      readme: '# ' + name + ' ' + version + '\n',
      readmeFilename: 'README.md',
      _id: name + '@' + version,
      _npmUser: { name: 'upstream-user', email: 'up@example.com' },
      maintainers: [{ name: 'upstream-user', email: 'up@example.com' }],
      dist: {
        integrity: 'sha512-' + createHash('sha512').update(tgz).digest('base64'),
        shasum: createHash('sha1').update(tgz).digest('hex'),
        tarball: this.url + path,
      },
    };
    doc.tags[opts.tag || 'latest'] = version;
    const now = new Date().toISOString();
    doc.time[version] = now;
    doc.time.modified = now;
    this.docs.set(name, doc);
    this.change(doc, false);
  }

  /** Serves a broken packument for `name`: one naming another package, one that is not JSON, or a redirect elsewhere. */
  serveBad(name: string, kind: 'other-name' | 'not-json' | 'redirect'): void {
    this.bad.set(name, kind);
  }

  /** Unpublishes the whole package, as npm does: the feed reports it deleted, the packument is 404. */
  unpublish(name: string): void {
    const doc = this.docs.get(name);
    if (!doc) throw new Error('no upstream package ' + name);
    doc.unpublished = true;
    this.change(doc, true);
  }

  private change(doc: Doc, deleted: boolean): void {
    doc.gen++;
    this.seq++;
    // Like CouchDB, the feed lists each document once, at its newest change.
    this.changes = this.changes.filter((c) => c.id !== doc.name);
    this.changes.push({ seq: this.seq, id: doc.name, rev: this.rev(doc), deleted });
  }

  private rev(doc: Doc): string {
    return doc.gen + '-' + createHash('md5').update(doc.name + ':' + doc.gen).digest('hex');
  }

  private packument(doc: Doc): Record<string, unknown> {
    const latest = doc.versions[doc.tags.latest] || {};
    return {
      _id: doc.name, _rev: this.rev(doc), name: doc.name, description: 'upstream ' + doc.name,
      'dist-tags': doc.tags, versions: doc.versions, time: doc.time,
      maintainers: [{ name: 'upstream-user', email: 'up@example.com' }],
      readme: latest.readme, readmeFilename: 'README.md', license: 'MIT',
      _attachments: {},
    };
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const send = (status: number, body: unknown, type = 'application/json') => {
      const data = Buffer.isBuffer(body) ? body : Buffer.from(JSON.stringify(body));
      res.writeHead(status, { 'content-type': type, 'content-length': data.length });
      res.end(data);
    };
    this.requests++;
    const failure = this.failures.shift();
    if (failure !== undefined) return send(failure, { error: 'unavailable', reason: 'the test made it fail' });
    const u = new URL(req.url || '/', this.url);
    if (u.pathname === '/') return send(200, { db_name: 'registry', update_seq: this.seq });
    if (u.pathname === '/_changes') return send(200, this.feed(u.searchParams.get('since') || '0', Number(u.searchParams.get('limit') || 1000)));
    const tgz = this.tarballs.get(decodeURIComponent(u.pathname));
    if (tgz) {
      this.tarballFetches.set(u.pathname, (this.tarballFetches.get(u.pathname) || 0) + 1);
      return send(200, tgz, 'application/octet-stream');
    }
    const name = decodeURIComponent(u.pathname.slice(1));
    this.packumentFetches.set(name, (this.packumentFetches.get(name) || 0) + 1);
    const bad = this.bad.get(name);
    if (bad === 'not-json') return send(200, Buffer.from('<html>maintenance</html>'), 'text/html');
    if (bad === 'redirect') {
      res.writeHead(302, { location: 'http://127.0.0.2:9/' + name });
      res.end();
      return;
    }
    const doc = this.docs.get(name);
    if (!doc || doc.unpublished) return send(404, { error: 'Not found' });
    const body = this.packument(doc);
    if (bad === 'other-name') return send(200, { ...body, _id: 'other', name: 'other' });
    const etag = '"' + String(body._rev) + '"';
    if (req.headers['if-none-match'] === etag) {
      this.notModified++;
      res.writeHead(304, { etag });
      res.end();
      return;
    }
    res.setHeader('etag', etag);
    send(200, body);
  }

  private feed(since: string, limit: number): unknown {
    this.changesSince.push(since);
    if (since === 'now') return { results: [], last_seq: this.seq };
    const after = this.changes.filter((c) => c.seq > Number(since)).slice(0, limit);
    const results = after.map((c) => ({ seq: c.seq, id: c.id, changes: [{ rev: c.rev }], ...(c.deleted ? { deleted: true } : {}) }));
    return { results, last_seq: results.length ? results[results.length - 1].seq : Math.max(Number(since), 0) };
  }

  fetchesOf(name: string): number {
    return this.packumentFetches.get(name) || 0;
  }
}

export async function startUpstream(): Promise<TestUpstream> {
  return new TestUpstream().start();
}
