// Replication from another CouchDB registry, and private names that replication never shadows.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRegistry, http, signedUp, storedDoc as stored, uniqueUser, type TestRegistry } from '../support/registry';
import { NpmUser, makeProject } from '../../src/npm/client';
import { publishBody } from '../support/tarball';
import { replicateCommand, resolveCommand } from '../../src/replicate/cli';

const A = uniqueUser('alice');

describe('couch-registry replicate', () => {
  let here: TestRegistry;
  let source: TestRegistry;
  let alice: NpmUser;
  let reader: NpmUser;
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);
  const sourceUrl = () => source.adminUrl + '/' + source.db;
  const run = (extra: string[] = []) => replicateCommand(['--couch', here.adminUrl, '--db', here.db, '--from', sourceUrl(), ...extra], log);
  const publishTo = async (reg: TestRegistry, name: string, version: string) => {
    const r = await http(reg.url + name.replace('/', '%2f'), { method: 'PUT', json: publishBody(name, version), headers: { authorization: 'Bearer ' + (alice.token() as string) } });
    expect(r.status, r.text).toBe(201);
  };

  beforeAll(async () => {
    here = await createRegistry('repl-here');
    source = await createRegistry('repl-source');
    alice = await signedUp(here.url, 'alice', A);
    reader = new NpmUser(here.url, 'reader');
    await publishTo(source, 'lib-a', '1.0.0');
    await publishTo(source, 'lib-a', '1.1.0');
    await publishTo(source, '@up/lib-b', '2.0.0');
    await publishTo(source, 'shared-name', '9.9.9');
    await publishTo(here, 'shared-name', '1.0.0');
  });

  it('copies the packages, tarballs included, and npm installs them through this registry', async () => {
    await run();
    expect(lines.join('\n')).toMatch(/replication completed: \d+ read, \d+ written, 0 refused/);
    expect((await stored(here, 'lib-a')).origin).toBe((await stored(source, 'lib-a')).origin);
    const proj = makeProject(reader.home, { 'lib-a': '^1.0.0', '@up/lib-b': '2.0.0' });
    reader.freshCache();
    const r = await reader.run(['install'], { cwd: proj });
    expect(r.code, r.output).toBe(0);
    const lock = JSON.parse(readFileSync(join(proj, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/lib-a'].resolved).toBe(here.url + 'lib-a/-/lib-a-1.1.0.tgz');
    expect(lock.packages['node_modules/@up/lib-b'].resolved).toBe(here.url + '@up%2flib-b/-/lib-b-2.0.0.tgz');
  });

  it('refuses a malformed document from the source and counts it', async () => {
    // A plain CouchDB database in registry format, with no rules of its own.
    const raw = 't-raw-' + Math.random().toString(16).slice(2, 8);
    await here.couch.request('PUT', raw);
    const good = { ...(await stored(source, 'lib-a')) };
    delete good._rev;
    delete good._attachments;
    good._id = good.name = 'raw-good';
    for (const v of Object.values(good.versions) as Array<Record<string, unknown>>) v.name = 'raw-good';
    await here.couch.request('PUT', raw + '/raw-good', good);
    await here.couch.request('PUT', raw + '/broken', { _id: 'broken', name: 'broken', versions: { 'not-semver': {} }, maintainers: [{ name: 'x' }] });
    lines.length = 0;
    await replicateCommand(['--couch', here.adminUrl, '--db', here.db, '--from', here.adminUrl + '/' + raw], log);
    expect(lines.join('\n')).toMatch(/replication completed: 2 read, 1 written, 1 refused/);
    expect(await stored(here, 'broken')).toBeNull();
    expect(await stored(here, 'raw-good')).not.toBeNull();
  });

  it('never replaces a private package: the name published here keeps its own versions', async () => {
    const p = (await http(here.url + 'shared-name')).json;
    expect(Object.keys(p.versions)).toEqual(['1.0.0']);
    const proj = makeProject(reader.home, { 'shared-name': '*' });
    reader.freshCache();
    expect((await reader.run(['install'], { cwd: proj })).code).toBe(0);
    expect(JSON.parse(readFileSync(join(proj, 'node_modules', 'shared-name', 'package.json'), 'utf8')).version).toBe('1.0.0');
  });

  it('refuses a local publish to a name that came from the other registry', async () => {
    const r = await http(here.url + 'lib-a', { method: 'PUT', json: publishBody('lib-a', '1.2.0'), headers: { authorization: 'Bearer ' + (alice.token() as string) } });
    expect(r.status).toBe(403);
    expect(r.json.error).toMatch(/^lib-a is replicated from the registry registry-[0-9a-f]+ and is read-only here/);
  });

  it('--packages copies only the named packages', async () => {
    const only = await createRegistry('repl-only');
    await replicateCommand(['--couch', only.adminUrl, '--db', only.db, '--from', sourceUrl(), '--packages', '@up/lib-b'], log);
    expect(await stored(only, '@up/lib-b')).not.toBeNull();
    expect(await stored(only, 'lib-a')).toBeNull();
  });

  it('when replication leaves competing copies, npm never gets the upstream one, and resolve keeps the private one', async () => {
    await publishTo(here, 'contested', '1.0.0');
    // What an unfiltered replication does: write another registry's branch of the same id with a
    // deeper history, which CouchDB then picks as the winner.
    const upstream = publishBody('contested', '6.6.6');
    const written: Array<{ error?: string }> = await here.couch.request('POST', here.db + '/_bulk_docs', {
      new_edits: false,
      docs: [{
        _id: 'contested', _rev: '5-' + 'f'.repeat(32), _revisions: { start: 5, ids: ['f'.repeat(32), 'e'.repeat(32), 'd'.repeat(32), 'c'.repeat(32), 'b'.repeat(32)] },
        name: 'contested', origin: 'registry-elsewhere', maintainers: [{ name: 'mallory' }], 'dist-tags': { latest: '6.6.6' },
        versions: { '6.6.6': { ...upstream.versions['6.6.6'], dist: { ...upstream.versions['6.6.6'].dist, tarball: 'contested/-/contested-6.6.6.tgz' } } },
        time: { created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z' },
      }],
    });
    if (written.length > 0 && written[0].error) {
      // The stand-in hands validate_doc_update the current document even for a replicated branch,
      // so there the branch is refused outright (CouchDB passes null; see docs/couchdb.md §12, docs/stand-in.md §4).
      expect(here.backend).toBe('embedded');
      expect(written[0].error).toBe('forbidden');
      expect(Object.keys((await http(here.url + 'contested')).json.versions)).toEqual(['1.0.0']);
      return;
    }
    const winner = await stored(here, 'contested');
    expect(winner.origin).toBe('registry-elsewhere');
    const get = await http(here.url + 'contested');
    expect(get.status).toBe(409);
    expect(get.json.error).toMatch(/competing copies of contested/);
    const proj = makeProject(reader.home, { contested: '*' });
    reader.freshCache();
    const failed = await reader.run(['install'], { cwd: proj });
    expect(failed.code).not.toBe(0);
    await resolveCommand(['--couch', here.adminUrl, '--db', here.db], log);
    expect(lines.join('\n')).toMatch(/kept the private copy of contested/);
    const after = (await http(here.url + 'contested')).json;
    expect(Object.keys(after.versions)).toEqual(['1.0.0']);
    reader.freshCache();
    expect((await reader.run(['install'], { cwd: proj })).code).toBe(0);
    expect(JSON.parse(readFileSync(join(proj, 'node_modules', 'contested', 'package.json'), 'utf8')).version).toBe('1.0.0');
  });

  it('--status reports the job and conflicts; --stop ends it', async () => {
    if (here.backend === 'embedded') {
      await run(['--status']);
      expect(lines[lines.length - 1]).toBe('no conflicts');
      return;
    }
    await run(['--continuous']);
    expect(lines.join('\n')).toContain('it keeps running inside CouchDB');
    await publishTo(source, 'lib-a', '1.2.0');
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && !(await stored(here, 'lib-a')).versions['1.2.0']) await new Promise((r) => setTimeout(r, 300));
    expect((await stored(here, 'lib-a')).versions['1.2.0']).toBeTruthy();
    lines.length = 0;
    await run(['--status']);
    expect(lines[0]).toMatch(/^replication running: /);
    await run(['--stop']);
    expect(lines[lines.length - 1]).toMatch(/^stopped replication couch-registry-/);
  });
});
