// validate_doc_update's rules, table-driven: one case per kind of write and per forbidden change.
import { describe, it, expect } from 'vitest';
import { checkWrite } from '../../src/shared/rules';
import type { PackageDoc } from '../../src/shared/packument';

const alice = { name: 'alice', roles: [] };
const bob = { name: 'bob', roles: [] };
const admin = { name: 'admin', roles: ['_admin'] };
const anon = { name: null, roles: [] };

function pkg(over: Partial<PackageDoc> = {}): PackageDoc {
  return {
    _id: 'foo', _rev: '1-a', name: 'foo', origin: 'R1',
    'dist-tags': { latest: '1.0.0' },
    versions: { '1.0.0': { name: 'foo', version: '1.0.0', dist: { tarball: 'foo/-/foo-1.0.0.tgz', shasum: 'x' }, _npmUser: { name: 'alice' } } },
    time: { created: 't', modified: 't', '1.0.0': 't' },
    maintainers: [{ name: 'alice' }],
    _attachments: { 'foo-1.0.0.tgz': { stub: true, digest: 'md5-A', length: 1 } },
    ...over,
  };
}
function edit(f: (d: PackageDoc) => void, base = pkg()): PackageDoc {
  const d = JSON.parse(JSON.stringify(base)) as PackageDoc;
  f(d);
  return d;
}
/** A new upload as validate_doc_update sees it on CouchDB: type and length, no digest yet. */
const upload = { content_type: 'application/octet-stream', length: 1 };
const withVersion = (d: PackageDoc, v: string, user = 'alice') => {
  (d.versions as Record<string, unknown>)[v] = { name: 'foo', version: v, dist: { tarball: 'foo/-/foo-' + v + '.tgz' }, _npmUser: { name: user } };
  (d.time as Record<string, string>)[v] = 't';
  (d._attachments as Record<string, unknown>)['foo-' + v + '.tgz'] = { ...upload };
};
/** A package as its first publish writes it: no _rev yet, its tarball a new upload. */
const fresh = (over: Partial<PackageDoc> = {}) => pkg({ _rev: undefined, _attachments: { 'foo-1.0.0.tgz': { ...upload } }, ...over });

const unpublished: PackageDoc = {
  _id: 'foo', _rev: '2-b', name: 'foo', origin: 'R1', versions: {}, 'dist-tags': {}, maintainers: [{ name: 'alice' }],
  time: { created: 't', modified: 't', '1.0.0': 't', unpublished: 't' }, unpublished: { time: 't', by: 'alice', versions: ['1.0.0'] },
};

const cases: Array<[string, PackageDoc, PackageDoc | null, { name: string | null; roles: string[] }, RegExp | null]> = [
  ['a new package by its first maintainer', fresh(), null, alice, null],
  ['a new package by an anonymous user', pkg(), null, anon, /must be logged in/],
  ['a new package that names someone else as maintainer', fresh({ maintainers: [{ name: 'bob' }] }), null, alice, /must be a maintainer of a package you create/],
  ['a new version by a maintainer', edit((d) => withVersion(d, '1.1.0')), pkg(), alice, null],
  ['a new version published as someone else', edit((d) => withVersion(d, '1.1.0', 'bob')), pkg(), alice, /published as yourself/],
  ['a new version by a non-maintainer', edit((d) => withVersion(d, '1.1.0', 'bob')), pkg(), bob, /Only maintainers of foo/],
  ['a change to a published version', edit((d) => { (d.versions as any)['1.0.0'].dependencies = { evil: '*' }; }), pkg(), alice, /is published and cannot be changed/],
  ['a deprecation of a published version', edit((d) => { (d.versions as any)['1.0.0'].deprecated = 'use 2'; }), pkg(), alice, null],
  ['a replaced tarball', edit((d) => { (d._attachments as any)['foo-1.0.0.tgz'].digest = 'md5-B'; }), pkg(), alice, /cannot be replaced/],
  ['a reused version number after unpublish', edit((d) => withVersion(d, '0.9.0')), pkg({ time: { created: 't', modified: 't', '1.0.0': 't', '0.9.0': 't' } }), alice, /can never be reused/],
  ['forgetting when a version was published', edit((d) => { delete (d.time as any)['1.0.0']; }), pkg(), alice, /must be kept/],
  ['a version whose manifest names another package', edit((d) => { (d.versions as any)['1.0.0'].name = 'bar'; }), null, admin, /must name its package/],
  ['an invalid version key', edit((d) => { (d.versions as any)['1.0'] = { name: 'foo', version: '1.0', dist: { tarball: 'x' } }; }), null, admin, /not a valid semantic version/],
  ['a dist-tag pointing nowhere', edit((d) => { (d['dist-tags'] as any).beta = '9.9.9'; }), pkg(), alice, /points at a version that does not exist/],
  ['a document whose _id is not its name', fresh({ _id: 'bar' }), null, alice, /name as its _id/],
  ['a star by a non-maintainer for themselves', edit((d) => { d.users = { bob: true }; }), pkg(), bob, null],
  ['a star by a non-maintainer for someone else', edit((d) => { d.users = { carol: true }; }), pkg(), bob, /Only maintainers/],
  ['a star that also edits the description', edit((d) => { d.users = { bob: true }; d.description = 'x'; }), pkg(), bob, /Only maintainers/],
  ['deleting the document, even as a maintainer (it would free the name)', { _id: 'foo', _rev: '1-a', _deleted: true, name: 'foo' }, pkg(), alice, /npm unpublish foo --force/],
  ['deleting the document as an admin', { _id: 'foo', _rev: '1-a', _deleted: true, name: 'foo' }, pkg(), admin, null],
  ['the unpublished stub written by a maintainer', { ...unpublished, _rev: '1-a' }, pkg(), alice, null],
  ['the unpublished stub written by someone else', { ...unpublished, _rev: '1-a' }, pkg(), bob, /Only maintainers/],
  ['the unpublished stub forgetting publish times', { ...unpublished, _rev: '1-a', time: { created: 't' } }, pkg(), alice, /must be kept/],
  ['re-publishing an unpublished name as a former maintainer', edit((d) => { delete (d.versions as any)['1.0.0']; d._attachments = {}; withVersion(d, '2.0.0'); d['dist-tags'] = { latest: '2.0.0' }; }, fresh({ _rev: '2-b' })), unpublished, alice, null],
  ['re-publishing an unpublished name with a used version', fresh({ _rev: '2-b' }), unpublished, alice, /can never be reused/],
  ['re-publishing an unpublished name as a stranger', edit((d) => { d.maintainers = [{ name: 'bob' }]; delete (d.versions as any)['1.0.0']; d._attachments = {}; withVersion(d, '2.0.0', 'bob'); d['dist-tags'] = { latest: '2.0.0' }; }, fresh({ _rev: '2-b' })), unpublished, bob, /belonged to other maintainers/],
  ['a foreign package turned into a published one', pkg(), { _id: 'foo', _rev: '1-a', name: 'foo', origin: 'R1', url: 'http://x/foo', maintainers: [{ name: 'alice' }] }, alice, /foreign package cannot be turned/],
  ['a published package turned foreign', { _id: 'foo', _rev: '1-a', name: 'foo', origin: 'R1', url: 'http://x/foo', maintainers: [{ name: 'alice' }] }, pkg(), alice, /published package cannot be turned into a foreign/],
  ['a foreign package with a non-http url', { _id: 'foo', name: 'foo', origin: 'R1', url: 'javascript:alert(1)', maintainers: [{ name: 'alice' }] }, null, alice, /http:\/\//],
  ['a design document by a user', { _id: '_design/evil', name: 'x' }, null, alice, /Only administrators/],
  ['a package without this registry as its origin, written by a user', fresh({ origin: undefined }), null, alice, /must carry this registry as their origin/],
  ['a user change to a package mirrored from elsewhere', edit((d) => withVersion(d, '1.1.0'), pkg({ origin: 'mirror:https://registry.example' })), pkg({ origin: 'mirror:https://registry.example' }), alice, /mirrored from https:\/\/registry\.example and is read-only here/],
  ['a user re-creating a name unpublished upstream, even as a same-named maintainer', fresh({ _rev: '2-b' }), { ...unpublished, origin: 'mirror:https://registry.example' }, alice, /read-only here/],
  ['an upstream copy replacing a private package, even by an admin', pkg({ origin: 'mirror:https://registry.example', _rev: '2-b' }), pkg(), admin, /private package of this registry/],
  ['an admin updating an upstream copy', edit((d) => withVersion(d, '1.1.0'), pkg({ origin: 'registry-other' })), pkg({ origin: 'registry-other' }), admin, null],
  ['an admin creating an upstream copy', pkg({ origin: 'mirror:https://registry.example' }), null, admin, null],
  ['a replicated document from an admin with a legacy name', pkg({ _id: 'JSONStream', name: 'JSONStream', origin: 'registry-other', versions: {}, 'dist-tags': {} }), null, admin, null],
  ['a replicated revision claiming this registry\'s origin, even from an admin', pkg({ _rev: '3-x' }), null, admin, /arrives as a replicated revision/],
  ['a replicated document from an admin that is malformed', { _id: 'x', name: 'x', maintainers: [{ name: 'a' }] }, null, admin, /must have versions/],
];

describe('validate_doc_update rules (src/shared/rules.ts)', () => {
  for (const [label, newDoc, oldDoc, user, expected] of cases) {
    it((expected ? 'refuses ' : 'allows ') + label, () => {
      const verdict = checkWrite(newDoc, oldDoc, user, 'R1');
      if (expected === null) expect(verdict).toBeNull();
      else expect(JSON.stringify(verdict)).toMatch(expected);
    });
  }

  it('answers an anonymous write with unauthorized (401), not forbidden', () => {
    expect(checkWrite(pkg(), null, anon, 'R1')).toHaveProperty('unauthorized');
  });
});
