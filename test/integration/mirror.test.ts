// `couch-registry mirror`: copying packages and their dependency closure from an upstream npm
// registry (a test server, test/support/upstream.ts), following its change feed, and the rule
// that a private package is never shadowed by a mirrored one.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRegistry, http, storedDoc, uniqueUser, type TestRegistry } from '../support/registry';
import { NpmUser, makePackage, makeProject } from '../../src/npm/client';
import { startUpstream, type TestUpstream } from '../support/upstream';
import { mirrorCommand } from '../../src/mirror/cli';
import { openMirror } from '../../src/mirror/index';
import { Checkpoint } from '../../src/mirror/checkpoint';
import { openRegistryDb, writePackage } from '../../src/mirror/registry';

const A = uniqueUser('alice');
const FAST = { retries: 3, baseMs: 5, maxMs: 20 };

describe('mirror from an upstream registry', () => {
  let reg: TestRegistry;
  let up: TestUpstream;
  let alice: NpmUser;
  let lines: string[] = [];
  const log = (line: string) => { lines.push(line); };
  const stored = (name: string) => storedDoc(reg, name);
  const mirror = (...args: string[]) => mirrorCommand(['--couch', reg.adminUrl, '--db', reg.db, '--upstream', up.url, '--retry-delay', '5', ...args], log);
  const open = () => openMirror({ couch: reg.adminUrl, db: reg.db, upstream: up.url, retry: FAST, log });
  const checkpoint = async () => reg.couch.request('GET', reg.db + '/' + Checkpoint.docId(up.url));

  beforeAll(async () => {
    reg = await createRegistry('mirror');
    up = await startUpstream();
    up.publish('deep', '2.0.0');
    up.publish('peerpkg', '1.0.0');
    up.publish('@up/right', '1.0.0', { deps: { deep: '^2.0.0' } });
    up.publish('left', '1.0.0');
    up.publish('left', '1.1.0', { deps: { '@up/right': '^1.0.0' }, peerDeps: { peerpkg: '^1.0.0' } });
    up.publish('newdep', '1.0.0');
    alice = new NpmUser(reg.url, 'alice');
    expect((await alice.adduser(A, 'pw-alice-1', 'alice@example.com')).code).toBe(0);
  });

  afterAll(async () => {
    await up.stop();
  });

  it('mirror PKG --deps copies the package and its dependency closure in the registry\'s layout', async () => {
    lines = [];
    await mirror('left', '--deps');
    expect(lines.join('\n')).toMatch(/mirror: 4 package\(s\): 4 stored, 0 unchanged, 0 left alone \(not this mirror's\), 0 failed; [\d.]+ kB downloaded/);
    expect(lines.some((l) => /^\[4\/4\] /.test(l))).toBe(true);
    const doc = await stored('left');
    expect(doc.origin).toBe('mirror:' + up.url);
    expect(doc.mirror).toMatchObject({ upstream: up.url, rev: expect.stringMatching(/^2-/) });
    expect(Object.keys(doc._attachments).sort()).toEqual(['left-1.0.0.tgz', 'left-1.1.0.tgz']);
    expect(doc.versions['1.1.0'].dist.tarball).toBe('left/-/left-1.1.0.tgz');
    expect(doc.versions['1.1.0']).not.toHaveProperty('readme');
    expect(doc.readme).toBe('# left 1.1.0\n');
    expect(doc).not.toHaveProperty('_attachments.left-1.1.0.tgz.data');
    const scoped = (await http(reg.url + '@up%2fright')).json;
    expect(scoped.versions['1.0.0'].dist.tarball).toBe(reg.url + '@up%2fright/-/right-1.0.0.tgz');
    expect((await stored('peerpkg')).origin).toBe('mirror:' + up.url);
    expect((await checkpoint()).names).toEqual(['@up/right', 'deep', 'left', 'peerpkg']);
  });

  it('npm installs the mirrored tree from a fresh cache while the upstream is stopped', async () => {
    await up.stop();
    try {
      const carol = new NpmUser(reg.url, 'carol');
      const proj = makeProject(carol.home, { left: '^1.0.0' });
      const r = await carol.run(['install'], { cwd: proj });
      expect(r.output).not.toContain('ERR');
      expect(r.code).toBe(0);
      const lock = JSON.parse(readFileSync(join(proj, 'package-lock.json'), 'utf8'));
      const installed = Object.keys(lock.packages).filter((k) => k).sort();
      expect(installed).toEqual(['node_modules/@up/right', 'node_modules/deep', 'node_modules/left', 'node_modules/peerpkg']);
      for (const k of installed) expect(lock.packages[k].resolved.startsWith(reg.url)).toBe(true);
      expect(lock.packages['node_modules/left'].resolved).toBe(reg.url + 'left/-/left-1.1.0.tgz');
      expect(readFileSync(join(proj, 'node_modules', 'deep', 'README.md'), 'utf8')).toBe('# deep 2.0.0\n');
    } finally {
      await up.start();
    }
  });

  it('running the same mirror again writes nothing', async () => {
    const before = (await stored('left'))._rev;
    lines = [];
    await mirror('left', '--deps');
    expect(lines.join('\n')).toContain('4 package(s): 0 stored, 4 unchanged');
    expect((await stored('left'))._rev).toBe(before);
  });

  it('follows the change feed: an upstream update is mirrored with its new dependency; a restarted follower resumes at its checkpoint', async () => {
    const first = await open();
    expect((await first.followOnce()).results).toEqual([]);
    up.publish('left', '1.2.0', { deps: { '@up/right': '^1.0.0', newdep: '^1.0.0' } });
    up.publish('stranger', '1.0.0');
    const leftFetches = up.fetchesOf('left');
    const pass = await first.followOnce();
    expect(pass.results.map((r) => r.name + ':' + r.status).sort()).toEqual(['left:stored', 'newdep:stored']);
    expect(up.fetchesOf('left')).toBe(leftFetches + 1);
    expect(up.fetchesOf('stranger')).toBe(0);
    expect(Object.keys((await stored('left')).versions)).toContain('1.2.0');
    expect((await checkpoint()).since).toBe(up.seq);

    // A new process: it starts where the first one stopped, and fetches nothing again.
    const seen = up.changesSince.length;
    const restarted = await open();
    const again = await restarted.followOnce();
    expect(up.changesSince.slice(seen)).toEqual([String(up.seq)]);
    expect(again.changes).toBe(0);
    expect(up.fetchesOf('left')).toBe(leftFetches + 1);
    up.publish('left', '1.3.0');
    expect((await restarted.followOnce()).results.map((r) => r.status)).toEqual(['stored']);
    expect(up.fetchesOf('left')).toBe(leftFetches + 2);
  });

  it('mirror --follow runs until SIGTERM, then stops with its checkpoint saved', async () => {
    const cli = spawn(process.execPath, ['scripts/couch-registry.js', 'mirror', '--couch', reg.adminUrl, '--db', reg.db, '--upstream', up.url,
      '--follow', '--interval', '0.2', '--retry-delay', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    cli.stdout.on('data', (d) => { out += d; });
    cli.stderr.on('data', (d) => { out += d; });
    const exited = new Promise<number | null>((resolve) => cli.on('close', resolve));
    const until = async (ok: () => Promise<boolean> | boolean) => {
      for (let i = 0; i < 200 && !(await ok()); i++) await new Promise((r) => setTimeout(r, 100));
    };
    await until(() => out.includes('follow: following'));
    up.publish('left', '1.4.0');
    await until(async () => Boolean((await stored('left')).versions['1.4.0']));
    expect(Object.keys((await stored('left')).versions)).toContain('1.4.0');
    cli.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(out).toContain('follow: stopped; checkpoint at sequence ' + up.seq);
    expect((await checkpoint()).since).toBe(up.seq);
  });

  it('a tarball that fails its integrity check is reported and nothing of that package is stored', async () => {
    up.publish('bad', '1.0.0');
    up.publish('bad', '1.1.0', { corrupt: true });
    lines = [];
    await expect(mirror('bad')).rejects.toThrow(/1 package\(s\) were not mirrored \(bad\)/);
    expect(lines.join('\n')).toContain('The tarball of bad@1.1.0 does not match its dist.integrity (sha512)');
    expect(await stored('bad')).toBeNull();

    // A bad new version of a package already mirrored leaves the stored copy as it was.
    const before = await stored('left');
    up.publish('left', '1.5.0', { corrupt: true });
    const pass = await (await open()).followOnce();
    expect(pass.results.map((r) => r.status)).toEqual(['failed']);
    expect((await stored('left'))._rev).toBe(before._rev);
  });

  it('503s from the upstream are retried with backoff; an upstream that stays down is reported', async () => {
    up.publish('solo', '1.0.0');
    up.failNext(3);
    lines = [];
    await mirror('solo');
    expect(lines.filter((l) => /upstream: HTTP 503 .* retry \d\/5 in \d+ ms/.test(l))).toHaveLength(3);
    expect((await stored('solo')).versions['1.0.0']).toBeTruthy();

    // npm never lets a published version change; a mirror that sees it happen keeps its copy.
    up.publish('solo', '1.0.0', { description: 'a different tarball' });
    await expect(mirror('solo')).rejects.toThrow(/not mirrored \(solo\)/);
    expect(lines.join('\n')).toContain('Upstream changed the published tarball of solo@1.0.0');

    await up.stop();
    try {
      await expect(mirror('solo', '--retries', '2')).rejects.toThrow(/The upstream did not answer GET http:\/\/127\.0\.0\.1:\d+\/.* after 3 attempt\(s\)/);
    } finally {
      await up.start();
    }
  });

  it('private first: a package published here is never replaced by mirroring its name, and npm installs the private one', async () => {
    const r = await alice.run(['publish'], { cwd: makePackage(alice.home, { name: 'mine', version: '1.0.0' }) });
    expect(r.code).toBe(0);
    up.publish('mine', '9.9.9');
    up.publish('usesmine', '1.0.0', { deps: { mine: '^9.0.0' } });
    const before = await stored('mine');
    lines = [];
    await mirror('mine', 'usesmine', '--deps');
    expect(lines.join('\n')).toContain('kept private package mine; not mirrored');
    const after = await stored('mine');
    expect(after._rev).toBe(before._rev);
    expect(Object.keys(after.versions)).toEqual(['1.0.0']);
    // Were the mirror's own check skipped, validate_doc_update refuses its write anyway.
    const copy = { ...(await stored('usesmine')), _id: 'mine', name: 'mine', versions: {}, 'dist-tags': {}, _rev: after._rev, _attachments: undefined };
    const refused = await writePackage(await openRegistryDb(reg.couch, reg.db), copy);
    expect(refused).toMatchObject({ ok: false, conflict: false, reason: expect.stringContaining('mine is a private package of this registry') });

    const dave = new NpmUser(reg.url, 'dave');
    const proj = makeProject(dave.home, { mine: '*' });
    expect((await dave.run(['install'], { cwd: proj })).code).toBe(0);
    const lock = JSON.parse(readFileSync(join(proj, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/mine']).toMatchObject({ version: '1.0.0', resolved: reg.url + 'mine/-/mine-1.0.0.tgz' });
  });

  it('mirror first: npm publish of a new version of a mirrored package is refused with a clear message', async () => {
    const before = await stored('left');
    const r = await alice.run(['publish'], { cwd: makePackage(alice.home, { name: 'left', version: '9.0.0' }) });
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('left is mirrored from ' + up.url + ' and is read-only here');
    expect((await stored('left'))._rev).toBe(before._rev);
  });

  it('a package unpublished upstream becomes a stub that keeps its name', async () => {
    up.unpublish('newdep');
    const pass = await (await open()).followOnce();
    // Other followed names changed since the last pass too: most are found current without a
    // fetch, and solo still has the tarball that changed upstream (see above), so it stays as it was.
    expect(pass.results.filter((r) => r.status !== 'unchanged').map((r) => r.name + ':' + r.status).sort()).toEqual(['newdep:unpublished', 'solo:failed']);
    const doc = await stored('newdep');
    expect(doc).toMatchObject({ versions: {}, origin: 'mirror:' + up.url, unpublished: { versions: ['1.0.0'] } });
    expect(doc._attachments).toBeUndefined();
    expect((await http(reg.url + 'newdep')).status).toBe(404);
  });

  it('legacy names that npm no longer accepts for new packages are mirrored as they are', async () => {
    up.publish('LegacyCaps', '0.1.0');
    await mirror('LegacyCaps');
    const p = await http(reg.url + 'LegacyCaps');
    expect(p.status).toBe(200);
    expect(p.json.versions['0.1.0'].dist.tarball).toBe(reg.url + 'LegacyCaps/-/LegacyCaps-0.1.0.tgz');
    expect((await http(p.json.versions['0.1.0'].dist.tarball)).status).toBe(200);
  });
});
