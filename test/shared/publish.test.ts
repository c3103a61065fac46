import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { publish, type Digester } from '../../src/shared/publish';
import { classify } from '../../src/shared/classify';
import type { PackageDoc } from '../../src/shared/packument';

const digest: Digester = (b64) => {
  const buf = Buffer.from(b64, 'base64');
  return { length: buf.length, sha512: 'sha512-' + createHash('sha512').update(buf).digest('base64'), sha1hex: createHash('sha1').update(buf).digest('hex') };
};
const alice = { name: 'alice', isAdmin: false, email: 'a@example.com' };

function body(version: string, tag = 'latest', extra: Record<string, unknown> = {}) {
  const data = Buffer.from('tarball of ' + version).toString('base64');
  const d = digest(data);
  return {
    _id: 'foo', name: 'foo', 'dist-tags': { [tag]: version },
    versions: { [version]: { name: 'foo', version, readme: '# readme ' + version, description: 'd' + version, dist: { integrity: d.sha512, shasum: d.sha1hex, tarball: 'http://x/foo/-/foo-' + version + '.tgz' }, ...extra } },
    _attachments: { ['foo-' + version + '.tgz']: { content_type: 'application/octet-stream', data, length: d.length } },
  };
}
function ok(r: ReturnType<typeof publish>): PackageDoc {
  if (!r.ok) throw new Error(r.error);
  return r.doc;
}

describe('publish (merging npm\'s one-version body into the stored document)', () => {
  it('creates a package: maintainers and _npmUser from the user, time, latest, readme on top only', () => {
    const doc = ok(publish(null, body('1.0.0'), 'foo', alice, 'T1', digest));
    expect(doc.maintainers).toEqual([{ name: 'alice', email: 'a@example.com' }]);
    expect(doc.versions!['1.0.0']._npmUser).toEqual({ name: 'alice', email: 'a@example.com' });
    expect(doc.versions!['1.0.0']).not.toHaveProperty('readme');
    expect(doc.versions!['1.0.0'].dist.tarball).toBe('foo/-/foo-1.0.0.tgz');
    expect(doc.readme).toBe('# readme 1.0.0');
    expect(doc.time).toEqual({ created: 'T1', modified: 'T1', '1.0.0': 'T1' });
    expect(doc['dist-tags']).toEqual({ latest: '1.0.0' });
    expect(Object.keys(doc._attachments!)).toEqual(['foo-1.0.0.tgz']);
  });

  it('gives the first version latest even when published under another tag', () => {
    const doc = ok(publish(null, body('1.0.0-rc.1', 'next'), 'foo', alice, 'T1', digest));
    expect(doc['dist-tags']).toEqual({ next: '1.0.0-rc.1', latest: '1.0.0-rc.1' });
  });

  it('adds a version under a tag without moving latest or the package readme', () => {
    const first = ok(publish(null, body('1.0.0'), 'foo', alice, 'T1', digest));
    first._rev = '1-a';
    first._attachments = { 'foo-1.0.0.tgz': { stub: true, digest: 'md5-x' } };
    const doc = ok(publish(first, body('2.0.0-beta.1', 'beta'), 'foo', alice, 'T2', digest));
    expect(doc._rev).toBe('1-a');
    expect(doc['dist-tags']).toEqual({ latest: '1.0.0', beta: '2.0.0-beta.1' });
    expect(doc.readme).toBe('# readme 1.0.0');
    expect(doc.time).toEqual({ created: 'T1', modified: 'T2', '1.0.0': 'T1', '2.0.0-beta.1': 'T2' });
    expect(doc._attachments!['foo-1.0.0.tgz']).toEqual({ stub: true, digest: 'md5-x' });
    expect(doc._attachments!['foo-2.0.0-beta.1.tgz'].data).toBeTruthy();
  });

  it('refuses a version number used before, even after an unpublish', () => {
    const old = { _id: 'foo', _rev: '3-c', name: 'foo', versions: {}, 'dist-tags': {}, maintainers: [{ name: 'alice' }], time: { created: 'T0', '1.0.0': 'T0' } } as PackageDoc;
    const r = publish(old, body('1.0.0'), 'foo', alice, 'T1', digest);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatch(/can never be reused/);
  });
});

describe('classify (what a PUT /:pkg means)', () => {
  const cases: Array<[string, Record<string, unknown>, string | null]> = [
    ['npm publish', body('1.0.0'), 'publish'],
    ['a publish without its tarball', { name: 'foo', versions: { '1.0.0': {} } }, 'publish'],
    ['a foreign registration', { name: 'foo', maintainers: [], url: 'http://x' }, 'foreign'],
    ['npm owner add/rm', { _id: 'foo', _rev: '2-b', maintainers: [{ name: 'a' }] }, 'owners'],
    ['npm star/unstar', { _id: 'foo', _rev: '2-b', users: { a: true } }, 'star'],
    ['npm deprecate or unpublish of a version (whole document with _rev)', { _id: 'foo', _rev: '2-b', name: 'foo', versions: {}, 'dist-tags': {} }, 'versions'],
    ['something else', { hello: 'world' }, null],
  ];
  for (const [label, b, expected] of cases) it('recognises ' + label, () => expect(classify(b)).toBe(expected));
});
