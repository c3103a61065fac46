// Issue 16, D3: the registry's identity (the origin stamped on packages published here) and the
// mirror's checkpoints live where only server admins can write: design documents of the registry
// database. `_local` documents skip validate_doc_update, and on a database everyone may read
// anyone may write them, anonymous included (CouchDB 3.4 and the stand-in alike), so nothing the
// registry trusts is read from one.
import { describe, it, expect, beforeAll } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createRegistry, http, signedUp, uniqueUser, type TestRegistry } from '../support/registry';
import { setupDatabase, setupServer } from '../../src/couch/setup';
import { buildDesignDocs, ROOT } from '../../src/ddoc/build';
import { Checkpoint } from '../../src/mirror/checkpoint';
import { openRegistryDb } from '../../src/mirror/registry';
import { publishBody } from '../support/tarball';

const A = uniqueUser('alice');
const APP = '_design/app';

describe('the registry id and mirror checkpoints can be changed by server admins only (D3)', () => {
  let reg: TestRegistry;
  let alice: string;
  let id: string;

  const dbUrl = (path: string) => reg.origin + '/' + reg.db + '/' + path;
  const appDoc = () => reg.couch.request('GET', reg.db + '/' + APP);
  const setupAgain = async (db = reg.db) => {
    const lines: string[] = [];
    const server = await setupServer(reg.couch, () => undefined);
    await setupDatabase(reg.couch, server, { db }, (l) => lines.push(l));
    return lines;
  };

  beforeAll(async () => {
    reg = await createRegistry('ddoc-identity');
    alice = (await signedUp(reg.url, 'alice', A)).token() as string;
    id = (await appDoc()).registry.id;
    expect(id).toMatch(/^registry-[0-9a-f]{16}$/);
    const r = await http(reg.url + 'mine', { method: 'PUT', headers: { authorization: 'Bearer ' + alice }, json: publishBody('mine', '1.0.0') });
    expect(r.status, r.text).toBe(201);
  });

  it('keeps its id when anyone has written _local/couch-registry, and packages published here stay writable', async () => {
    // Anyone may write a _local document of a database everyone may read: that is CouchDB's rule.
    const planted = await http(dbUrl('_local/couch-registry'), { method: 'PUT', json: { id: 'registry-0000000000000000' } });
    expect(planted.status, planted.text).toBe(201);
    const lines = await setupAgain();
    expect((await appDoc()).registry.id).toBe(id);
    expect(lines.join('\n')).not.toContain('registry-0000000000000000');
    // Were the id replaced, `mine` would now count as a copy from elsewhere and be read-only.
    const next = await http(reg.url + 'mine', { method: 'PUT', headers: { authorization: 'Bearer ' + alice }, json: publishBody('mine', '1.1.0') });
    expect(next.status, next.text).toBe(201);
  });

  it('refuses every non-admin write to the design document that holds the id', async () => {
    const before = await appDoc();
    const forged = { ...before, registry: { ...before.registry, id: 'registry-ffffffffffffffff' } };
    const bearer = { authorization: 'Bearer ' + alice };
    const attempts: Array<[string, () => Promise<{ status: number; json: any; text: string }>]> = [
      ['anonymous PUT', () => http(dbUrl(APP), { method: 'PUT', json: forged })],
      ['a user\'s PUT', () => http(dbUrl(APP), { method: 'PUT', headers: bearer, json: forged })],
      ['a user\'s DELETE', () => http(dbUrl(APP + '?rev=' + before._rev), { method: 'DELETE', headers: bearer })],
      ['a user\'s _bulk_docs', () => http(dbUrl('_bulk_docs'), { method: 'POST', headers: bearer, json: { docs: [forged] } })],
      ['a user\'s _bulk_docs with new_edits=false', () => http(dbUrl('_bulk_docs'), { method: 'POST', headers: bearer, json: { new_edits: false, docs: [{ ...forged, _rev: '99-' + 'a'.repeat(32) }] } })],
      ['a user\'s COPY over it', () => http(dbUrl('mine'), { method: 'COPY', headers: { ...bearer, destination: APP + '?rev=' + before._rev } })],
    ];
    for (const [label, attempt] of attempts) {
      const r = await attempt();
      const row = Array.isArray(r.json) ? r.json[0] : r.json;
      expect(r.status, label + ': ' + r.text).toBeLessThan(500);
      expect(['forbidden', 'unauthorized'], label + ': ' + r.text).toContain(row.error);
      expect(typeof row.reason, label).toBe('string');
    }
    const after = await appDoc();
    expect(after._rev).toBe(before._rev);
    expect(after.registry.id).toBe(id);
  });

  it('refuses, even from a server admin, a replicated revision that claims this registry\'s origin', async () => {
    // The id is public (packuments show `origin`), so a registry elsewhere can stamp it on a document;
    // replication writes with new_edits=false as the admin who runs it.
    const forged = { _id: 'claimed', _rev: '3-' + 'c'.repeat(32), name: 'claimed', origin: id, maintainers: [{ name: 'mallory' }], 'dist-tags': {}, versions: {}, time: {} };
    const r = await reg.couch.request('POST', reg.db + '/_bulk_docs', { new_edits: false, docs: [forged] });
    expect(r[0] && r[0].error, JSON.stringify(r)).toBe('forbidden');
    expect(r[0].reason).toBe('claimed carries this registry\'s origin but arrives as a replicated revision; only packages published here may carry it.');
    expect(await reg.couch.request('GET', reg.db + '/claimed', undefined, { allow404: true })).toBeNull();
    // A copy that keeps its own origin still comes in, read-only here.
    const copy = await reg.couch.request('POST', reg.db + '/_bulk_docs', { new_edits: false, docs: [{ ...forged, origin: 'registry-elsewhere' }] });
    expect(copy[0] && copy[0].error, JSON.stringify(copy)).toBeUndefined();
    expect((await reg.couch.request('GET', reg.db + '/claimed')).origin).toBe('registry-elsewhere');
  });

  it('takes an id from _local/couch-registry once, when no design document carries one yet, and only in the form setup makes', async () => {
    const legacy = 'registry-0123456789abcdef';
    const fresh = async (label: string, localId: string) => {
      const db = reg.db + '-' + label;
      await reg.couch.request('PUT', db);
      await reg.couch.request('PUT', db + '/_local/couch-registry', { id: localId });
      const lines = await setupAgain(db);
      const stored = (await reg.couch.request('GET', db + '/' + APP)).registry.id;
      return { lines, stored };
    };
    const kept = await fresh('legacy', legacy);
    expect(kept.stored).toBe(legacy);
    expect(kept.lines.join('\n')).toContain('took this registry\'s id ' + legacy + ' from _local/couch-registry');
    // A value setup never makes, such as an upstream's origin, would make its copies "local" here.
    const odd = await fresh('odd', 'mirror:https://registry.npmjs.org');
    expect(odd.stored).toMatch(/^registry-[0-9a-f]{16}$/);
    expect(odd.stored).not.toBe('mirror:https://registry.npmjs.org');
  });

  it('a mirror checkpoint planted in _local is not read: no followed names, no position', async () => {
    const upstream = 'http://127.0.0.1:9/upstream';
    const oldId = 'couch-registry-mirror-' + Checkpoint.docId(upstream).slice('_design/couch-registry-mirror-'.length);
    const planted = await http(dbUrl('_local/' + oldId), { method: 'PUT', json: { upstream, changesUrl: upstream + '/_changes', since: '999-x', deps: true, names: ['evil-name'] } });
    expect(planted.status, planted.text).toBe(201);
    const cp = await Checkpoint.load(await openRegistryDb(reg.couch, reg.db), upstream, upstream + '/_changes', () => undefined);
    expect(Array.from(cp.names)).toEqual([]);
    expect(cp.since).toBeUndefined();
    expect(cp.deps).toBe(false);
  });

  it('a mirror checkpoint is a design document that users cannot write', async () => {
    const upstream = 'http://127.0.0.1:9/other';
    const cp = await Checkpoint.load(await openRegistryDb(reg.couch, reg.db), upstream, upstream + '/_changes', () => undefined);
    cp.since = '5-abc';
    cp.names.add('followed');
    await cp.save(new Date().toISOString());
    const path = Checkpoint.docId(upstream);
    const stored = await reg.couch.request('GET', reg.db + '/' + path);
    expect(stored).toMatchObject({ since: '5-abc', names: ['followed'] });
    const moved = { ...stored, since: '9999-zzz', names: ['followed', 'evil-name'] };
    for (const headers of [{}, { authorization: 'Bearer ' + alice }] as Array<Record<string, string>>) {
      const r = await http(dbUrl(path), { method: 'PUT', headers, json: moved });
      expect([401, 403], r.text).toContain(r.status);
    }
    expect(await reg.couch.request('GET', reg.db + '/' + path)).toEqual(stored);
  });

  it('relies on nothing in any _local document, _users/_local included', async () => {
    // Anonymous `PUT /_users/_local/x` is accepted by CouchDB 3.4 once `_users` is open for
    // sign-up (its _security has no members): _local documents skip validate_doc_update and the
    // `_users` rules. So the registry must read nothing from there, nor from the registry's own.
    const docs = await buildDesignDocs();
    expect(JSON.stringify(docs).match(/.{0,60}(_local\/|_local_docs).{0,60}/)).toBeNull();
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) {
          if (entry !== 'embedded') walk(path);
          continue;
        }
        if (!path.endsWith('.ts')) continue;
        const lines = readFileSync(path, 'utf8').split('\n');
        lines.forEach((line, i) => {
          if (!/_local/.test(line) || /^\s*(\/\/|\*)/.test(line)) return;
          // Node names in _node/_local config paths and the one-time read of the legacy id are fine.
          if (/_node\/_local|\['_local'\]|node = '_local'|_local\/couch-registry|'_local_seq'/.test(line)) return;
          offenders.push(path.slice(ROOT.length + 1) + ':' + (i + 1) + ': ' + line.trim());
        });
      }
    };
    walk(join(ROOT, 'src'));
    walk(join(ROOT, 'couchapp'));
    expect(offenders).toEqual([]);
  });
});
