// The pull-through: any package of the upstream (a test registry, test/support/upstream.ts, that
// counts what it serves) installs through this registry's URL; CouchDB then serves the copies by
// itself. Private names and private scopes never reach the upstream; bad upstream data stores
// nothing; an upstream outage does not break what is already here.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRegistry, http, storedDoc, uniqueUser, signedUp, type TestRegistry } from '../support/registry';
import { NpmUser, makePackage, makeProject } from '../../src/npm/client';
import { startUpstream, type TestUpstream } from '../support/upstream';
import { listenForPullThrough, openPullThrough, type PullThrough } from '../../src/upstream/index';
import { upstreamCommand } from '../../src/upstream/cli';
import { sweep } from '../../src/upstream/sweep';

/** A registry with a pull-through service in this process, on a port of its own. */
async function pullRegistry(label: string, up: TestUpstream, opts: { maxAge?: number; privateScopes?: string[] } = {}) {
  const server = await listenForPullThrough('127.0.0.1', 0);
  const privateScopes = opts.privateScopes || [];
  const reg = await createRegistry(label, { upstream: { url: up.url, service: server.url, maxAge: opts.maxAge ?? 300, privateScopes } });
  const pull = await openPullThrough({ couch: reg.adminUrl, db: reg.db, upstream: up.url, privateScopes, maxAgeSeconds: opts.maxAge ?? 300, outagePauseMs: 0 });
  server.serve(pull);
  return { reg, pull, service: server.url, close: server.close };
}

/** An upstream, seeded by `seed`, and a pull-through registry over it, for one describe block. */
function pullSuite(label: string, seed: (up: TestUpstream) => void, opts: { maxAge?: number; privateScopes?: string[] } = {}) {
  const t = {} as { up: TestUpstream; reg: TestRegistry; pull: PullThrough; service: string };
  let close: () => Promise<void> = async () => undefined;
  beforeAll(async () => {
    t.up = await startUpstream();
    seed(t.up);
    const made = await pullRegistry(label, t.up, opts);
    Object.assign(t, made);
    close = made.close;
  });
  afterAll(async () => {
    await close();
    await t.up.stop();
  });
  return t;
}

/** Waits for a tarball's attachment: the service answers a client before it writes it. */
async function untilAttached(reg: TestRegistry, name: string): Promise<any> {
  for (let i = 0; i < 50; i++) {
    const doc = await storedDoc(reg, name);
    if (doc && doc._attachments) return doc;
    await new Promise((r) => setTimeout(r, 100));
  }
  return storedDoc(reg, name);
}

function lockOf(proj: string): any {
  return JSON.parse(readFileSync(join(proj, 'package-lock.json'), 'utf8'));
}

function sha512(data: Buffer): string {
  return 'sha512-' + createHash('sha512').update(data).digest('base64');
}

describe('pull-through from an upstream registry', () => {
  let up: TestUpstream;
  let reg: TestRegistry;
  let pull: PullThrough;
  let service: string;
  let close: () => Promise<void>;
  const A = uniqueUser('puller');

  beforeAll(async () => {
    up = await startUpstream();
    up.publish('pt-leaf', '1.0.0');
    up.publish('pt-leaf', '1.1.0');
    up.publish('@pt/mid', '2.0.0', { deps: { 'pt-leaf': '^1.0.0' } });
    up.publish('pt-top', '3.0.0', { deps: { '@pt/mid': '^2.0.0' } });
    ({ reg, pull, service, close } = await pullRegistry('pull', up, { privateScopes: ['@acme'] }));
  });

  afterAll(async () => {
    await close();
    await up.stop();
  });

  it('npm install of a package only the upstream has fetches it once, verifies it and records registry URLs', async () => {
    const carol = new NpmUser(reg.url, 'carol');
    const proj = makeProject(carol.home, { 'pt-top': '^3.0.0' });
    const r = await carol.run(['install'], { cwd: proj });
    expect(r.output).not.toContain('ERR');
    expect(r.code).toBe(0);
    const lock = lockOf(proj);
    const installed = Object.keys(lock.packages).filter((k) => k).sort();
    expect(installed).toEqual(['node_modules/@pt/mid', 'node_modules/pt-leaf', 'node_modules/pt-top']);
    for (const k of installed) {
      expect(lock.packages[k].resolved.startsWith(reg.url)).toBe(true);
      expect(lock.packages[k].resolved).not.toContain(service);
      expect(lock.packages[k].resolved).not.toContain(up.url);
    }
    expect(lock.packages['node_modules/pt-leaf'].version).toBe('1.1.0');
    expect(readFileSync(join(proj, 'node_modules', 'pt-leaf', 'README.md'), 'utf8')).toBe('# pt-leaf 1.1.0\n');
    expect(up.fetchesOf('pt-top')).toBe(1);
    expect(up.fetchesOf('@pt/mid')).toBe(1);
    expect(up.tarballFetches.get('/pt-leaf/-/pt-leaf-1.1.0.tgz')).toBe(1);
    // Only the version npm asked for was fetched; the other stays upstream until someone wants it.
    expect(up.tarballFetches.get('/pt-leaf/-/pt-leaf-1.0.0.tgz')).toBeUndefined();
    const doc = await storedDoc(reg, 'pt-leaf');
    expect(doc.origin).toBe('mirror:' + up.url);
    expect(Object.keys(doc._attachments)).toEqual(['pt-leaf-1.1.0.tgz']);
    // The integrity npm checked is the upstream's, and the stored bytes match it.
    const stored = await fetch(reg.origin + '/' + reg.db + '/pt-leaf/pt-leaf-1.1.0.tgz').then(async (res) => Buffer.from(await res.arrayBuffer()));
    expect(sha512(stored)).toBe(doc.versions['1.1.0'].dist.integrity);
    expect(lock.packages['node_modules/pt-leaf'].integrity).toBe(doc.versions['1.1.0'].dist.integrity);
  });

  it('a second install from a fresh cache within the max age asks the upstream nothing', async () => {
    const before = up.requests;
    const dave = new NpmUser(reg.url, 'dave');
    const proj = makeProject(dave.home, { 'pt-top': '^3.0.0' });
    const r = await dave.run(['install'], { cwd: proj });
    expect(r.code, r.output).toBe(0);
    expect(up.requests).toBe(before);
    // and CouchDB served the tarballs straight from the attachments
    expect(lockOf(proj).packages['node_modules/pt-top'].resolved).toBe(reg.url + 'pt-top/-/pt-top-3.0.0.tgz');
  });

  it('npm ci from a lockfile made before the tarballs were cached works once they are', async () => {
    up.publish('pt-lock', '1.0.0');
    // the latest version's tarball comes along with the packument an install asks for; the older one waits
    up.publish('pt-lock', '1.1.0');
    const erin = new NpmUser(reg.url, 'erin');
    const proj = makeProject(erin.home, { 'pt-lock': '1.0.0' });
    const r = await erin.run(['install', '--package-lock-only'], { cwd: proj });
    expect(r.code, r.output).toBe(0);
    const resolved = lockOf(proj).packages['node_modules/pt-lock'].resolved;
    expect(resolved).toBe(reg.url + 'pt-lock/-/upstream/pt-lock-1.0.0.tgz');
    expect(up.tarballFetches.get('/pt-lock/-/pt-lock-1.0.0.tgz')).toBeUndefined();
    expect(up.tarballFetches.get('/pt-lock/-/pt-lock-1.1.0.tgz')).toBe(1);
    erin.freshCache();
    expect((await erin.run(['ci'], { cwd: proj })).code).toBe(0);
    expect(up.tarballFetches.get('/pt-lock/-/pt-lock-1.0.0.tgz')).toBe(1);
    erin.freshCache();
    const again = await erin.run(['ci'], { cwd: proj });
    expect(again.code, again.output).toBe(0);
    expect(up.tarballFetches.get('/pt-lock/-/pt-lock-1.0.0.tgz')).toBe(1);
  });

  it('with the upstream down, what is here still installs from a fresh cache, and a name never fetched gets a sentence', async () => {
    await up.stop();
    try {
      const fred = new NpmUser(reg.url, 'fred');
      const proj = makeProject(fred.home, { 'pt-top': '^3.0.0' });
      const r = await fred.run(['install'], { cwd: proj });
      expect(r.code, r.output).toBe(0);
      const missing = await http(service + '/packument/pt-never?back=' + encodeURIComponent(reg.url + 'pt-never'));
      expect(missing.status).toBe(503);
      expect(missing.json.error).toMatch(/pt-never is not in this registry yet, and the upstream registry .* did not answer/);
    } finally {
      await up.start();
    }
  });

  it('a private package published here wins over a higher upstream version, which is never asked for', async () => {
    const name = 'pt-private-' + A.slice(-6);
    const alice = await signedUp(reg.url, 'alice', A);
    const pkg = makePackage(alice.home, { name, version: '1.0.0' });
    const published = await alice.run(['publish'], { cwd: pkg });
    expect(published.code, published.output).toBe(0);
    // npm publish read the packument first; that did not send the new name upstream
    expect(up.fetchesOf(name)).toBe(0);
    // then someone publishes the same name upstream, higher (dependency confusion)
    up.publish(name, '9.0.0');
    const proj = makeProject(alice.home, { [name]: '*' });
    alice.freshCache();
    const r = await alice.run(['install'], { cwd: proj });
    expect(r.code, r.output).toBe(0);
    expect(lockOf(proj).packages['node_modules/' + name].version).toBe('1.0.0');
    expect(up.fetchesOf(name)).toBe(0);
    // asking the service directly does not reach the upstream either
    const direct = await http(service + '/packument/' + encodeURIComponent(name) + '?back=' + encodeURIComponent(reg.url + name));
    expect(direct.status).toBe(302);
    expect(up.fetchesOf(name)).toBe(0);
  });

  it('a name under a private scope answers 404 with a sentence and makes no upstream request', async () => {
    up.publish('@acme/secret', '1.0.0');
    const before = up.requests;
    const r = await http(reg.url + '@acme%2fsecret', { headers: { accept: 'application/json' } });
    expect(r.status).toBe(404);
    expect(r.json.error).toMatch(/@acme\/secret is not in this registry/);
    const viaService = await http(service + '/packument/' + encodeURIComponent('@acme/secret') + '?back=' + encodeURIComponent(reg.url + '@acme%2fsecret'));
    expect(viaService.status).toBe(404);
    expect(viaService.json.error).toMatch(/@acme is a private scope/);
    const gina = new NpmUser(reg.url, 'gina');
    const proj = makeProject(gina.home, { '@acme/secret': '1.0.0' });
    const install = await gina.run(['install'], { cwd: proj });
    expect(install.code).not.toBe(0);
    expect(up.requests).toBe(before);
    expect(await storedDoc(reg, '@acme/secret')).toBeNull();
  });

  it('a tampered tarball is not stored and npm is told why', async () => {
    up.publish('pt-tampered', '1.0.0', { corrupt: true });
    const hank = new NpmUser(reg.url, 'hank');
    const proj = makeProject(hank.home, { 'pt-tampered': '1.0.0' });
    const r = await hank.run(['install'], { cwd: proj });
    expect(r.code).not.toBe(0);
    const doc = await storedDoc(reg, 'pt-tampered');
    expect(doc._attachments || {}).toEqual({});
    const direct = await http(service + '/tarball/pt-tampered/pt-tampered-1.0.0.tgz');
    expect(direct.status).toBe(502);
    expect(direct.json.error).toMatch(/pt-tampered@1\.0\.0 does not match its dist\.integrity/);
  });

  it('bad upstream packuments store nothing and answer 502 naming the package and the cause', async () => {
    const cases: Array<['other-name' | 'not-json' | 'redirect', RegExp]> = [
      ['other-name', /names "other" instead/],
      ['not-json', /is not valid JSON/],
      ['redirect', /answered a redirect/],
    ];
    for (const [kind, why] of cases) {
      const name = 'pt-bad-' + kind;
      up.publish(name, '1.0.0');
      up.serveBad(name, kind);
      const r = await http(reg.url + name, { headers: { accept: 'application/json' } });
      expect(r.status).toBe(302);
      const s = await http(String(r.headers.get('location')));
      expect(s.status, kind).toBe(502);
      expect(s.json.error).toContain(name);
      expect(s.json.error).toMatch(why);
      expect(await storedDoc(reg, name)).toBeNull();
    }
  });

  it('stores a packument larger than CouchDB\'s default document limit (8 MB), as public ones often are', async () => {
    up.publish('pt-huge', '1.0.0', { description: 'a long description '.repeat(500_000) });
    const r = await fetch(reg.url + 'pt-huge', { headers: { accept: 'application/json' } });
    expect(r.status).toBe(200);
    const body = (await r.json()) as { versions: Record<string, { description: string }> };
    expect(body.versions['1.0.0'].description.length).toBe(9_500_000);
  });

  it('twenty clients at once fetch each tarball and packument from the upstream once, with no 5xx', async () => {
    for (let i = 0; i < 5; i++) up.publish('pt-burst-' + i, '1.0.0');
    const names = [0, 1, 2, 3, 4].map((i) => 'pt-burst-' + i);
    const statuses: number[] = [];
    const client = async () => {
      for (const name of names) {
        const p = await fetch(reg.url + name, { headers: { accept: 'application/vnd.npm.install-v1+json' } });
        statuses.push(p.status);
        const body = await p.json() as { versions: Record<string, { dist: { tarball: string; integrity: string } }> };
        const dist = body.versions['1.0.0'].dist;
        const t = await fetch(dist.tarball);
        statuses.push(t.status);
        expect(sha512(Buffer.from(await t.arrayBuffer()))).toBe(dist.integrity);
      }
    };
    await Promise.all(Array.from({ length: 20 }, client));
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    for (const name of names) {
      expect(up.fetchesOf(name)).toBe(1);
      expect(up.tarballFetches.get('/' + name + '/-/' + name + '-1.0.0.tgz')).toBe(1);
      expect(Object.keys((await untilAttached(reg, name))._attachments)).toEqual([name + '-1.0.0.tgz']);
    }
    expect(pull.stats.tarballsFetched).toBeGreaterThanOrEqual(5);
  });
});

describe('couch-registry upstream --status and --evict', () => {
  const t = pullSuite('pull-ops', (up) => up.publish('pt-ops', '1.0.0'));

  it('--status counts the copies and cached tarballs from CouchDB and the service\'s fetches', async () => {
    const p = await fetch(t.reg.url + 'pt-ops');
    const body = (await p.json()) as { versions: Record<string, { dist: { tarball: string } }> };
    expect((await fetch(body.versions['1.0.0'].dist.tarball)).status).toBe(200);
    await untilAttached(t.reg, 'pt-ops');
    const lines: string[] = [];
    await upstreamCommand(['--couch', t.reg.adminUrl, '--db', t.reg.db, '--status', '--service', t.service], (l) => { lines.push(l); });
    const text = lines.join('\n');
    expect(text).toContain(t.up.url + ': 1 package(s), 1 version(s), 1 tarball(s) cached');
    expect(text).toMatch(/1 packument\(s\) fetched, 0 revalidated unchanged, 1 tarball\(s\) fetched/);
    expect(text).toContain('last upstream error: none');
  });

  it('--evict drops a copy, and the next request fetches it again', async () => {
    const lines: string[] = [];
    await upstreamCommand(['--couch', t.reg.adminUrl, '--db', t.reg.db, '--evict', 'pt-ops'], (l) => { lines.push(l); });
    expect(lines.join('\n')).toContain('evicted pt-ops (1 tarball(s))');
    expect(await storedDoc(t.reg, 'pt-ops')).toBeNull();
    expect((await fetch(t.reg.url + 'pt-ops')).status).toBe(200);
    expect(t.up.fetchesOf('pt-ops')).toBe(2);
    await expect(upstreamCommand(['--couch', t.reg.adminUrl, '--db', t.reg.db, '--evict', 'pt-none'], () => undefined)).rejects.toThrow(/pt-none is not in t-pull-ops-[0-9a-f]+; nothing to evict/);
  });
});

describe('pull-through freshness', () => {
  const t = pullSuite('pull-fresh', (up) => {
    up.publish('pt-fresh', '1.0.0');
    up.publish('pt-warm', '1.0.0');
  }, { maxAge: 1 });

  it('a version published upstream installs here once the max age has passed; an unchanged packument is revalidated, not refetched', async () => {
    const ivy = new NpmUser(t.reg.url, 'ivy');
    const proj = makeProject(ivy.home, { 'pt-fresh': '*' });
    expect((await ivy.run(['install'], { cwd: proj })).code).toBe(0);
    expect(lockOf(proj).packages['node_modules/pt-fresh'].version).toBe('1.0.0');
    await new Promise((r) => setTimeout(r, 1100));
    // unchanged upstream: a 304 there, and the copy keeps its revision's content
    const seen = t.up.notModified;
    const view = await ivy.run(['view', 'pt-fresh', 'version', '--prefer-online'], { cwd: proj });
    expect(view.stdout.trim()).toBe('1.0.0');
    expect(t.up.notModified).toBe(seen + 1);
    t.up.publish('pt-fresh', '1.1.0');
    await new Promise((r) => setTimeout(r, 1100));
    ivy.freshCache();
    const r = await ivy.run(['install', 'pt-fresh@latest'], { cwd: proj });
    expect(r.code, r.output).toBe(0);
    expect(lockOf(proj).packages['node_modules/pt-fresh'].version).toBe('1.1.0');
  });

  it('a client that revalidates with If-None-Match (CouchDB answers 304 without running the show) sees a new upstream version after the sweep', async () => {
    const corgi = { accept: 'application/vnd.npm.install-v1+json' };
    // the first read is answered by the service that fetched it; the next one is CouchDB's
    expect((await fetch(t.reg.url + 'pt-warm', { headers: corgi })).status).toBe(200);
    const first = await fetch(t.reg.url + 'pt-warm', { headers: corgi });
    expect(first.status).toBe(200);
    expect(first.headers.get('etag')).toBeTruthy();
    const etag = String(first.headers.get('etag'));
    await first.arrayBuffer();
    t.up.publish('pt-warm', '1.1.0');
    await new Promise((r) => setTimeout(r, 1100));
    const cached = await fetch(t.reg.url + 'pt-warm', { headers: { ...corgi, 'if-none-match': etag } });
    // no JavaScript ran: the copy cannot have noticed that it is stale
    expect(cached.status).toBe(304);
    expect(await sweep(t.pull)).toBeGreaterThanOrEqual(1);
    const after = await fetch(t.reg.url + 'pt-warm', { headers: { ...corgi, 'if-none-match': etag } });
    expect(after.status).toBe(200);
    expect(Object.keys(((await after.json()) as { versions: object }).versions)).toEqual(['1.0.0', '1.1.0']);
  });
});
