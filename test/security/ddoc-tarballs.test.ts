// Issue 16, D4 and D5: a published tarball is immutable on every write path but the registry's own
// unpublish, every version published here has its tarball here at the registry's own address,
// and only the tarballs a publish makes may be attached, within the registry's size limit. Each
// attack is made as a hostile user would, straight at the database (PUT with and without
// _attachments, attachment PUT and DELETE, _bulk_docs with new_edits true and false), by the
// package's maintainer and by a stranger; each refusal carries a sentence, and the stored document
// (revision, attachments and all) and the tarball's bytes stay as they were.
import { describe, it, expect, beforeAll } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { createRegistry, http, storedDoc, signedUp, uniqueUser, type TestRegistry } from '../support/registry';
import { makeTarball, publishBody } from '../support/tarball';

const A = uniqueUser('alice');
const B = uniqueUser('bob');
const PKG = 'tb';
const FILE = 'tb-1.0.0.tgz';
// The publish body limit of this registry; tarballs can be 3/4 of it (base64).
const MAX_BODY = 64 * 1024;

describe('published tarballs stay as published, and nothing else is attached (D4, D5)', () => {
  let reg: TestRegistry;
  let alice: string;
  let bob: string;
  let original: Buffer;

  const dbUrl = (path: string) => reg.origin + '/' + reg.db + '/' + path;
  const as = (token: string | undefined, extra: Record<string, string> = {}) => (token ? { authorization: 'Bearer ' + token, ...extra } : extra);
  const stored = () => storedDoc(reg, PKG);
  const tarballBytes = async () => Buffer.from(await (await fetch(reg.url + PKG + '/-/' + FILE)).arrayBuffer());
  const md5 = (b: Buffer) => 'md5-' + createHash('md5').update(b).digest('base64');
  /** The document as its maintainer would GET it to edit it (attachment stubs). */
  const editable = async () => JSON.parse(JSON.stringify(await stored()));

  /** Runs an attack and checks it changed nothing: same revision, same document, same bytes. */
  const unchanged = async (attack: () => Promise<{ status: number; json: any; text: string }>) => {
    const before = await stored();
    const r = await attack();
    expect(await stored()).toEqual(before);
    expect((await tarballBytes()).equals(original)).toBe(true);
    return r;
  };
  const refusedWith = (r: { status: number; json: any; text: string }, status: number, sentence: RegExp) => {
    expect(r.status, r.text).toBe(status);
    expect(r.json.reason, r.text).toMatch(sentence);
    expect(r.json.reason).toMatch(/^[A-Z].*[.)]$/);
  };
  /** A _bulk_docs answer refuses its one document with a sentence. */
  const bulkRefused = (r: { status: number; json: any; text: string }, sentence: RegExp) => {
    expect(r.status, r.text).toBeLessThan(500);
    const row = Array.isArray(r.json) ? r.json[0] : r.json;
    expect(row && row.error, r.text).toBe('forbidden');
    expect(row.reason).toMatch(sentence);
  };
  const putDoc = (doc: unknown, token: string | undefined) => http(dbUrl(PKG), { method: 'PUT', headers: as(token), json: doc });
  const putAttachment = async (name: string, bytes: Buffer, token: string | undefined, type = 'application/octet-stream', extra: Record<string, string> = {}) =>
    http(dbUrl(PKG + '/' + name + '?rev=' + (await stored())._rev), { method: 'PUT', headers: as(token, { 'content-type': type, ...extra }), body: bytes });
  const bulk = (docs: unknown[], token: string | undefined, newEdits = true) =>
    http(dbUrl('_bulk_docs'), { method: 'POST', headers: as(token), json: newEdits ? { docs } : { docs, new_edits: false } });

  /** A new version as a direct write would add it: manifest, publish time and (optionally) a tarball. */
  const withVersion = (doc: any, v: string, opts: { tarball?: string; attach?: { content_type: string; data: string } | null } = {}) => {
    const tgz = makeTarball({ name: PKG, version: v });
    doc.versions[v] = {
      name: PKG, version: v, _npmUser: { name: A },
      dist: { tarball: opts.tarball || PKG + '/-/' + PKG + '-' + v + '.tgz', integrity: 'sha512-' + createHash('sha512').update(tgz).digest('base64') },
    };
    doc.time[v] = new Date().toISOString();
    if (opts.attach !== null) doc._attachments[PKG + '-' + v + '.tgz'] = opts.attach || { content_type: 'application/octet-stream', data: tgz.toString('base64') };
    return doc;
  };

  beforeAll(async () => {
    reg = await createRegistry('ddoc-tarballs', { maxBodyBytes: MAX_BODY });
    alice = (await signedUp(reg.url, 'alice', A)).token() as string;
    bob = (await signedUp(reg.url, 'bob', B)).token() as string;
    const body = publishBody(PKG, '1.0.0');
    original = Buffer.from(body._attachments[FILE].data, 'base64');
    const r = await http(reg.url + PKG, { method: 'PUT', headers: as(alice), json: body });
    expect(r.status, r.text).toBe(201);
    expect((await tarballBytes()).equals(original)).toBe(true);
  });

  describe('replacing the published tarball', () => {
    it('refuses an attachment PUT of other bytes by the maintainer', async () => {
      const r = await unchanged(() => putAttachment(FILE, randomBytes(original.length + 10), alice));
      refusedWith(r, 403, /The tarball tb-1\.0\.0\.tgz of tb@1\.0\.0 is published and cannot be replaced\./);
    });

    it('refuses an attachment PUT of other bytes of the same length that claims the old digest (Content-MD5)', async () => {
      const claimed = Buffer.from(md5(original).slice(4), 'base64').toString('base64');
      const r = await unchanged(() => putAttachment(FILE, randomBytes(original.length), alice, 'application/octet-stream', { 'content-md5': claimed }));
      // CouchDB lets the claimed digest through validation and then finds the bytes do not match it
      // (400 content_md5_mismatch); the stand-in refuses new bytes outright.
      expect([400, 403], r.text).toContain(r.status);
      expect(String(r.json.reason || r.json.error)).toMatch(/[a-z]/);
    });

    it('refuses the same bytes under another content type', async () => {
      const r = await unchanged(() => putAttachment(FILE, original, alice, 'text/html'));
      refusedWith(r, 403, /is published and cannot be replaced/);
    });

    it('refuses a document PUT that sends new bytes inline, even claiming the stored digest', async () => {
      const doc = await editable();
      const digest = doc._attachments[FILE].digest;
      doc._attachments[FILE] = { content_type: 'application/octet-stream', digest, data: randomBytes(original.length).toString('base64') };
      refusedWith(await unchanged(() => putDoc(doc, alice)), 403, /is published and cannot be replaced/);
    });

    it('refuses _bulk_docs (new_edits true) with new bytes inline', async () => {
      const doc = await editable();
      doc._attachments[FILE] = { content_type: 'application/octet-stream', data: randomBytes(64).toString('base64') };
      bulkRefused(await unchanged(() => bulk([doc], alice)), /is published and cannot be replaced/);
    });

    it('refuses _bulk_docs with new_edits=false: a made-up deeper branch with other bytes', async () => {
      const doc = await editable();
      const ids = Array.from({ length: 9 }, () => randomBytes(16).toString('hex'));
      doc._rev = '9-' + ids[0];
      doc._revisions = { start: 9, ids };
      doc._attachments = { [FILE]: { content_type: 'application/octet-stream', data: randomBytes(64).toString('base64') } };
      bulkRefused(await unchanged(() => bulk([doc], alice, false)), /Only ordinary edits of tb are accepted/);
      const leaves = await reg.couch.request('GET', reg.db + '/' + PKG, undefined, { qs: { open_revs: 'all' }, headers: { accept: 'application/json' } });
      expect(leaves.length).toBe(1);
    });

    it('refuses the stranger\'s attachment PUT, and the stranger\'s new_edits=false branch that names them maintainer', async () => {
      refusedWith(await unchanged(() => putAttachment(FILE, randomBytes(32), bob)), 403, /Only maintainers of tb may change it|Only ordinary edits/);
      const doc = await editable();
      const ids = Array.from({ length: 5 }, () => randomBytes(16).toString('hex'));
      doc._rev = '5-' + ids[0];
      doc._revisions = { start: 5, ids };
      doc.maintainers = [{ name: B }];
      // The stubs cannot be resolved on an unrelated branch, so the graft carries the bytes (anyone can download them).
      doc._attachments = { [FILE]: { content_type: 'application/octet-stream', data: original.toString('base64') } };
      bulkRefused(await unchanged(() => bulk([doc], bob, false)), /Only ordinary edits of tb are accepted/);
      // The same graft without any history at all (CouchDB then shows validate_doc_update no oldDoc).
      const bare = { ...doc, _rev: '1-' + randomBytes(16).toString('hex') };
      delete (bare as any)._revisions;
      bulkRefused(await unchanged(() => bulk([bare], bob, false)), /Only ordinary edits of tb are accepted/);
    });
  });

  describe('removing the published tarball while its version stays', () => {
    it('refuses a document PUT without _attachments', async () => {
      const doc = await editable();
      delete doc._attachments;
      refusedWith(await unchanged(() => putDoc(doc, alice)), 403, /The tarball tb-1\.0\.0\.tgz belongs to the published version 1\.0\.0 of tb; it can only go when that version is unpublished\./);
    });

    it('refuses a DELETE of the attachment', async () => {
      const rev = (await stored())._rev;
      const r = await unchanged(() => http(dbUrl(PKG + '/' + FILE + '?rev=' + rev), { method: 'DELETE', headers: as(alice) }));
      refusedWith(r, 403, /belongs to the published version 1\.0\.0/);
    });

    it('refuses _bulk_docs with the attachment left out', async () => {
      const doc = await editable();
      doc._attachments = {};
      bulkRefused(await unchanged(() => bulk([doc], alice)), /belongs to the published version 1\.0\.0/);
    });
  });

  describe('versions published around the publish handler', () => {
    it('refuses a new version with dist.tarball elsewhere and no attachment', async () => {
      const doc = withVersion(await editable(), '2.0.0', { tarball: 'http://evil.example/x.tgz', attach: null });
      doc.versions['2.0.0'].dist.integrity = 'sha512-' + randomBytes(64).toString('base64');
      refusedWith(await unchanged(() => putDoc(doc, alice)), 403, /Version 2\.0\.0 of tb has no tarball here/);
    });

    it('refuses a new version with its tarball attached but dist.tarball elsewhere', async () => {
      const doc = withVersion(await editable(), '2.0.0', { tarball: 'http://evil.example/x.tgz' });
      refusedWith(await unchanged(() => putDoc(doc, alice)), 403, /must give its tarball as tb\/-\/tb-2\.0\.0\.tgz, the registry's own address for it\./);
    });

    it('refuses a new version whose tarball is stored as text/html', async () => {
      const doc = withVersion(await editable(), '2.0.0', { attach: { content_type: 'text/html', data: Buffer.from('<script>alert(1)</script>').toString('base64') } });
      refusedWith(await unchanged(() => putDoc(doc, alice)), 403, /must be stored as application\/octet-stream, not text\/html\./);
    });

    it('refuses a new version whose tarball is over the registry\'s size limit', async () => {
      const doc = withVersion(await editable(), '2.0.0', { attach: { content_type: 'application/octet-stream', data: randomBytes(MAX_BODY).toString('base64') } });
      refusedWith(await unchanged(() => putDoc(doc, alice)), 403, /is 65536 bytes; this registry accepts tarballs of at most 49152 bytes\./);
    });
  });

  describe('attachments that are no version\'s tarball (D5)', () => {
    it('refuses a page attached by document PUT', async () => {
      const doc = await editable();
      doc._attachments['index.html'] = { content_type: 'text/html', data: Buffer.from('<h1>hi</h1>').toString('base64') };
      refusedWith(await unchanged(() => putDoc(doc, alice)), 403, /Only the tarballs of its versions may be attached to tb, and index\.html is not one\./);
    });

    it('refuses a 3 MB attachment PUT of any name, by the maintainer and by a stranger', async () => {
      const big = randomBytes(3 * 1024 * 1024);
      refusedWith(await unchanged(() => putAttachment('big.bin', big, alice)), 403, /big\.bin is not one/);
      refusedWith(await unchanged(() => putAttachment('big.bin', big, bob)), 403, /Only maintainers of tb may change it/);
    });

    it('refuses a tarball for a version that is not there', async () => {
      refusedWith(await unchanged(() => putAttachment('tb-9.9.9.tgz', original, alice)), 403, /tb-9\.9\.9\.tgz is not one/);
    });
  });

  describe('what stays allowed', () => {
    it('a publish through the registry, a star by a stranger, and an unpublish of the new version with its tarball', async () => {
      const pub = await http(reg.url + PKG, { method: 'PUT', headers: as(alice), json: publishBody(PKG, '1.1.0') });
      expect(pub.status, pub.text).toBe(201);
      expect(Object.keys((await stored())._attachments).sort()).toEqual([FILE, 'tb-1.1.0.tgz']);
      const star = await http(reg.url + PKG, { method: 'PUT', headers: as(bob), json: { _id: PKG, _rev: (await stored())._rev, users: { [B]: true } } });
      expect(star.status, star.text).toBe(201);
      const doc = await stored();
      const body = { ...doc, versions: { '1.0.0': doc.versions['1.0.0'] } };
      delete body._attachments;
      const un = await http(reg.url + PKG + '/-rev/' + doc._rev, { method: 'PUT', headers: as(alice), json: body });
      expect(un.status, un.text).toBe(201);
      const after = await stored();
      expect(Object.keys(after._attachments)).toEqual([FILE]);
      expect(after._attachments[FILE].digest).toBe(doc._attachments[FILE].digest);
      expect((await tarballBytes()).equals(original)).toBe(true);
    });
  });

  describe('the packument serves the registry\'s own tarball address for a package published here', () => {
    it('even when a document written before these rules stored another address', async () => {
      // Only an admin can still write such a document: it stands for one stored by an older version.
      const doc = await editable();
      doc.versions['1.0.0'].dist.tarball = 'http://evil.example/tb-1.0.0.tgz';
      await reg.couch.request('PUT', reg.db + '/' + PKG, doc);
      const full = await http(reg.url + PKG, { headers: { accept: 'application/json' } });
      expect(full.json.versions['1.0.0'].dist.tarball).toBe(reg.url + 'tb/-/tb-1.0.0.tgz');
      const corgi = await http(reg.url + PKG, { headers: { accept: 'application/vnd.npm.install-v1+json' } });
      expect(corgi.json.versions['1.0.0'].dist.tarball).toBe(reg.url + 'tb/-/tb-1.0.0.tgz');
      const one = await http(reg.url + PKG + '/1.0.0');
      expect(one.json.dist.tarball).toBe(reg.url + 'tb/-/tb-1.0.0.tgz');
    });
  });
});
