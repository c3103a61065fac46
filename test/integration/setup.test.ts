import { describe, it, expect, beforeAll } from 'vitest';
import { inject } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ROOT, buildDesignDocs } from '../../src/ddoc/build';
import { Couch } from '../../src/couch/client';
import { setupServer, setupDatabase } from '../../src/couch/setup';
import { stagingId } from '../../src/couch/push';
import { backendKind, createRegistry, http, signedUp, uniqueUser, type TestRegistry } from '../support/registry';
import { publishBody } from '../support/tarball';

const CLI = join(ROOT, 'scripts', 'couch-registry.js');

// Asynchronous on purpose: a test may serve HTTP from this very process while the CLI runs.
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function withCredentials(adminUrl: string, user: string, password: string): string {
  const u = new URL(adminUrl);
  u.username = user;
  u.password = password;
  return u.href.replace(/\/$/, '');
}

describe('couch-registry setup', () => {
  let reg: TestRegistry;
  beforeAll(async () => {
    reg = await createRegistry('setup');
  });

  it('ends with the line "registry: <URL>" whose URL ends in a slash', async () => {
    const r = await cli(['setup', '--couch', reg.adminUrl, '--db', reg.db]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const last = r.stdout.trim().split('\n').pop() as string;
    expect(last).toBe('registry: ' + reg.url);
    expect(reg.url.endsWith('/_rewrite/')).toBe(true);
  });

  it('changes nothing when run a second time', async () => {
    const couch = new Couch(reg.adminUrl);
    const lines: string[] = [];
    const server = await setupServer(couch, (l) => lines.push(l));
    await setupDatabase(couch, server, { db: reg.db }, (l) => lines.push(l));
    expect(lines).toEqual([reg.db + '/_design/views unchanged', reg.db + '/_design/app unchanged', reg.db + '/_design/api unchanged', '_users/_design/registry unchanged']);
  });

  it('gives a one-line error and exit code 1 for wrong credentials', async () => {
    const r = await cli(['setup', '--couch', withCredentials(reg.adminUrl, 'admin', 'wrong-password'), '--db', reg.db]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^couch-registry: CouchDB at http:\/\/127\.0\.0\.1:\d+ (refused the credentials|did not accept the credentials)/);
    expect(r.stderr).not.toContain('wrong-password');
  });

  it('refuses an unknown --js-engine before touching the server', async () => {
    const r = await cli(['setup', '--couch', reg.adminUrl, '--db', reg.db, '--js-engine', 'v8']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('couch-registry: --js-engine is quickjs or spidermonkey.');
  });

  it('gives a one-line error and exit code 1 when CouchDB is unreachable', async () => {
    const server = createServer();
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((res) => server.close(() => res()));
    const r = await cli(['setup', '--couch', 'http://admin:pw@127.0.0.1:' + port]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('couch-registry: Cannot reach CouchDB at http://127.0.0.1:' + port + ': connection refused. Is it running, and is the port right?');
  });

  it('refuses a CouchDB older than 3.2, naming the version', async () => {
    // Only the version check is exercised here: a server that answers like CouchDB 3.1 at its root.
    const old: Server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ couchdb: 'Welcome', version: '3.1.2' }));
    });
    await new Promise<void>((res) => old.listen(0, '127.0.0.1', () => res()));
    try {
      const port = (old.address() as { port: number }).port;
      const r = await cli(['setup', '--couch', 'http://admin:pw@127.0.0.1:' + port]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe('couch-registry: CouchDB 3.1.2 at http://127.0.0.1:' + port + ' is too old: the registry needs 3.2 or newer (JWT authentication, /_node config).');
    } finally {
      old.close();
    }
  });

  it('opens the registry database for anonymous reads and keeps its design doc admin-only to write', async () => {
    const plain = await http(reg.origin + '/' + reg.db);
    expect(plain.status).toBe(200);
    const current = await http(reg.origin + '/' + reg.db + '/_design/app');
    const write = await http(reg.origin + '/' + reg.db + '/_design/app', { method: 'PUT', json: { _id: '_design/app', _rev: current.json._rev } });
    expect([401, 403]).toContain(write.status);
  });

  it('keeps the token key out of reach of everyone but server admins', async () => {
    const anon = await http(reg.origin + '/_users/_design/registry');
    expect([401, 403]).toContain(anon.status);
    expect(anon.text).not.toMatch(/secret/);
    const config = await http(reg.origin + '/_node/_local/_config/jwt_keys');
    expect([401, 403]).toContain(config.status);
  });

  it('reports which backend it ran on', () => {
    expect(inject('couch').describe).toBeTruthy();
  });
});

describe('couch-registry setup with a changed views design doc', () => {
  // CouchDB builds all views of a design doc in one index, so a changed view means a new index of
  // every view. The changed views here add one whose map takes SPIN_MS per document: the build
  // takes PACKAGES x SPIN_MS (one shard), far longer than any search may take. On the stand-in,
  // where map functions run on the server's only thread, the added view is not slow (a slow map
  // would stall every request there, whatever the deploy does); PouchDB keeps an index per view,
  // so the search index is not rebuilt there at all.
  const PACKAGES = 20;
  const SPIN_MS = 350;
  const SEARCH_LIMIT_MS = 2500;
  const onCouch = backendKind() !== 'embedded';

  type Answer = { status: number; total: number; ms: number };

  /** A registry of PACKAGES packages described as widgets, on one shard so that one indexer keeps one core busy and the other serves searches. */
  async function widgetRegistry(label: string) {
    const { adminUrl } = inject('couch');
    const couch = new Couch(adminUrl);
    const server = await setupServer(couch, () => undefined);
    const db = 't-' + label + '-' + randomBytes(3).toString('hex');
    if (onCouch) await couch.request('PUT', db, undefined, { qs: { q: 1 } });
    const url = await setupDatabase(couch, server, { db }, () => undefined);
    const token = (await signedUp(url, 'deployer-' + label, uniqueUser('deployer-' + label))).token() as string;
    for (let i = 0; i < PACKAGES; i++) {
      const body = publishBody('deploy-widget-' + i, '1.0.0');
      Object.values(body.versions)[0].description = 'a deployable widget';
      const r = await http(url + 'deploy-widget-' + i, { method: 'PUT', json: body, headers: { authorization: 'Bearer ' + token } });
      expect(r.status).toBe(201);
    }
    const search = async (): Promise<Answer> => {
      const started = Date.now();
      const signal = AbortSignal.timeout(SEARCH_LIMIT_MS);
      let r = await http(url + '-/v1/search?text=widget&size=5', { signal }).catch(() => null);
      for (let hop = 0; r && hop < 2 && r.status === 302; hop++) r = await http(r.headers.get('location') as string, { signal }).catch(() => null);
      return { status: r ? r.status : 0, total: r && r.json ? Number(r.json.total) : -1, ms: Date.now() - started };
    };
    expect(await search()).toMatchObject({ status: 200, total: PACKAGES });
    return { couch, server, db, url, search };
  }

  /** The built design docs with one more view, whose map is slow on CouchDB. */
  async function withSlowView() {
    const docs = await buildDesignDocs();
    const spin = onCouch ? 'var end = Date.now() + ' + SPIN_MS + '; while (Date.now() < end) {} ' : '';
    docs.views.views.slow = { map: 'function (doc) { ' + spin + 'if (doc.name) emit(doc.name, null); }' };
    return docs;
  }

  /** Runs a setup with `docs`, searching all the while; the log lines, the answers and how long it took. */
  async function deployWhileSearching(reg: Awaited<ReturnType<typeof widgetRegistry>>, docs: Awaited<ReturnType<typeof withSlowView>>) {
    const lines: string[] = [];
    const started = Date.now();
    let deploying = true;
    const deploy = setupDatabase(reg.couch, reg.server, { db: reg.db }, (l) => lines.push(l), { docs, wait: { progressMs: 500 } })
      .finally(() => { deploying = false; });
    const answers: Answer[] = [];
    while (deploying) {
      answers.push(await reg.search());
      await new Promise((r) => setTimeout(r, 100));
    }
    await deploy;
    const took = Date.now() - started;
    if (process.env.DEPLOY_TEST_DEBUG) console.log(took, JSON.stringify(answers), lines);
    return { lines, answers, took };
  }

  it('keeps search answering while the new index builds, then serves the new views', async () => {
    if (!onCouch) console.log('setup.test: on the stand-in the changed view is not slow (see the comment above); the swap itself is checked');
    const reg = await widgetRegistry('deploy');
    const { couch, server, db, search } = reg;
    const docs = await withSlowView();
    const { lines, answers, took } = await deployWhileSearching(reg, docs);

    // Every search during the deploy answered in time, with every package.
    expect(answers.length).toBeGreaterThan(onCouch ? 3 : 0);
    expect(answers.filter((a) => a.status !== 200 || a.total !== PACKAGES)).toEqual([]);
    const staging = stagingId(docs.views);
    expect(lines.some((l) => l.startsWith('pushed ' + db + '/' + staging + ' ('))).toBe(true);
    expect(lines.some((l) => l.startsWith('built the new view index under ' + db + '/' + staging + ' in '))).toBe(true);
    expect(lines).toContain('removed ' + db + '/' + staging);
    if (onCouch) {
      // The deploy did wait for a build longer than a search may take, and said how far it was.
      expect(took).toBeGreaterThan(PACKAGES * SPIN_MS * 0.8);
      expect(lines.some((l) => new RegExp('^building the view index of ' + db + '/' + staging + ': \\d+ of \\d+ changes').test(l))).toBe(true);
    }

    // The new views are live under the final name, on the index built under the staging one.
    const live = await couch.request('GET', db + '/_design/views');
    expect(Object.keys(live.views)).toContain('slow');
    expect(await couch.request('GET', db + '/' + staging, undefined, { allow404: true })).toBeNull();
    const t = Date.now();
    const rows = await couch.request('GET', db + '/_design/views/_view/slow', undefined, { qs: { limit: 1 } });
    expect(rows.rows).toHaveLength(1);
    if (onCouch) expect(Date.now() - t).toBeLessThan(PACKAGES * SPIN_MS / 2);
    expect(await search()).toMatchObject({ status: 200, total: PACKAGES });

    // And a setup with the same views changes nothing, but removes a staging copy an interrupted
    // deploy left behind (its index would otherwise be kept up to date for nothing).
    const leftover = '_design/views-0123456789ab';
    await couch.request('PUT', db + '/' + leftover, { views: { x: { map: 'function (doc) { emit(doc._id, null); }' } } });
    const again: string[] = [];
    await setupDatabase(couch, server, { db }, (l) => again.push(l), { docs });
    expect(again).toEqual([db + '/_design/views unchanged', 'removed ' + db + '/' + leftover, db + '/_design/app unchanged', db + '/_design/api unchanged', '_users/_design/registry unchanged']);
    expect(await couch.request('GET', db + '/' + leftover, undefined, { allow404: true })).toBeNull();
  }, 120_000);

  it('upgrades a registry whose views were in _design/app without a search outage', async () => {
    if (!onCouch) console.log('setup.test: on the stand-in the new views are not slow (see the comment above); the upgrade itself is checked');
    const reg = await widgetRegistry('upgrade');
    const { couch, db } = reg;
    // The layout before the views design doc: the views in _design/app, the lists reading them there.
    const docs = await withSlowView();
    const app = await couch.request('GET', db + '/_design/app');
    const api = await couch.request('GET', db + '/_design/api');
    const oldViews = { ...docs.views.views };
    delete oldViews.slow;
    await couch.request('PUT', db + '/_design/app', { ...app, views: oldViews });
    const oldRules = api.rewrites.map((r: { to: string }) => ({ ...r, to: r.to.replace(/^\.\.\/app\/_list\/([^/]+)\/views\//, '../app/_list/$1/').replace(/^\.\.\/views\/_view\//, '../app/_view/') }));
    expect(JSON.stringify(oldRules)).not.toContain('views/');
    await couch.request('PUT', db + '/_design/api', { ...api, rewrites: oldRules });
    const views = await couch.request('GET', db + '/_design/views');
    await couch.request('DELETE', db + '/_design/views', undefined, { qs: { rev: views._rev } });
    expect(await reg.search()).toMatchObject({ status: 200, total: PACKAGES });

    const { lines, answers, took } = await deployWhileSearching(reg, docs);
    expect(answers.filter((a) => a.status !== 200 || a.total !== PACKAGES)).toEqual([]);
    expect(lines.slice(0, 1)).toEqual([expect.stringMatching(new RegExp('^pushed ' + db + '/_design/views \\('))]);
    expect(lines.some((l) => /^pushed .*\/_design\/app \(/.test(l))).toBe(true);
    if (onCouch) {
      expect(answers.length).toBeGreaterThan(3);
      expect(took).toBeGreaterThan(PACKAGES * SPIN_MS * 0.8);
    }
    expect((await couch.request('GET', db + '/_design/app')).views).toBeUndefined();
    expect(await reg.search()).toMatchObject({ status: 200, total: PACKAGES });
  }, 120_000);
});
