// The pure half of the mirror: upstream packument → stored document, tarball checks, the
// dependency names --deps follows, and URL forms.
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { checkWrite } from '../../src/shared/rules';
import { prepare, unpublishedStub, isUnpublishedUpstream } from '../../src/mirror/prepare';
import { tarballProblem } from '../../src/mirror/verify';
import { dependencyNames, registryName } from '../../src/mirror/deps';
import { defaultChangesUrl, normalizeUpstream, upstreamPath } from '../../src/mirror/upstream';
import type { PackageDoc } from '../../src/shared/packument';

const STAMP = { upstream: 'https://up.example', fetched: 'T', rev: '3-abc' };
const ADMIN = { name: 'admin', roles: ['_admin'], db: 'registry' };

function upstreamDoc(extra: Record<string, unknown> = {}, version: Record<string, unknown> = {}) {
  return {
    _id: '@sc/bar', _rev: '3-abc', name: '@sc/bar', description: 'bar', readme: '# bar', origin: 'registry-elsewhere', _attachments: {}, _secret: 1,
    'dist-tags': { latest: '1.0.0' }, time: { created: 'T0', '1.0.0': 'T1' }, maintainers: [{ name: 'u', email: 'u@x' }],
    versions: { '1.0.0': { name: '@sc/bar', version: '1.0.0', readme: 'old', _npmUser: { name: 'u' }, dist: { integrity: 'sha512-x', shasum: 'ab', tarball: 'https://up.example/@sc/bar/-/bar-1.0.0.tgz' }, ...version } },
    ...extra,
  };
}

function prepared(raw: unknown) {
  const r = prepare('@sc/bar', raw, STAMP);
  if (!r.ok) throw new Error(r.problem);
  return r.value;
}

describe('prepare (upstream packument → stored document)', () => {
  it('stores the registry layout: relative tarballs, readme on top only, upstream _ fields dropped, this mirror as origin', () => {
    const { doc, tarballs, notes } = prepared(upstreamDoc());
    expect(doc).not.toHaveProperty('_rev');
    expect(doc).not.toHaveProperty('_attachments');
    expect(doc).not.toHaveProperty('_secret');
    expect(doc.origin).toBe('mirror:https://up.example');
    expect(doc.mirror).toEqual(STAMP);
    expect(doc.readme).toBe('# bar');
    expect(doc.versions!['1.0.0'].dist.tarball).toBe('@sc%2fbar/-/bar-1.0.0.tgz');
    expect(doc.versions!['1.0.0']).not.toHaveProperty('readme');
    expect(doc.versions!['1.0.0']._npmUser).toEqual({ name: 'u' });
    expect(tarballs).toEqual([{ version: '1.0.0', file: 'bar-1.0.0.tgz', url: 'https://up.example/@sc/bar/-/bar-1.0.0.tgz', integrity: 'sha512-x', shasum: 'ab' }]);
    expect(notes).toEqual([]);
  });

  it('writes what validate_doc_update accepts from an admin', () => {
    const { doc } = prepared(upstreamDoc({ maintainers: undefined }));
    expect(doc.maintainers).toEqual([{ name: 'u' }]);
    expect(checkWrite(doc, null, ADMIN, 'registry-here')).toBeNull();
  });

  it('drops what npm cannot use and says so: invalid versions, dangling tags', () => {
    const raw = upstreamDoc({ 'dist-tags': { latest: '1.0.0', next: '9.9.9' } });
    (raw.versions as Record<string, unknown>)['01.0'] = { name: '@sc/bar', version: '01.0', dist: { tarball: 'x', shasum: 'y' } };
    const { doc, notes } = prepared(raw);
    expect(Object.keys(doc.versions!)).toEqual(['1.0.0']);
    expect(doc['dist-tags']).toEqual({ latest: '1.0.0' });
    expect(notes).toEqual(['skipped version "01.0": not a valid semantic version', 'dropped the dist-tag next: it points at "9.9.9", which is not here']);
  });

  it.each([
    ['not an object', 'nope', /is not a JSON object/],
    ['another name', { name: 'other', versions: {} }, /names "other" instead/],
    ['no versions', { name: '@sc/bar' }, /has no versions/],
    ['a version naming another package', upstreamDoc({}, { name: 'evil' }), /names another package or version/],
    ['no tarball', upstreamDoc({}, { dist: { integrity: 'sha512-x' } }), /without dist\.tarball/],
    ['no digest', upstreamDoc({}, { dist: { tarball: 'x' } }), /cannot be verified/],
  ])('refuses a packument with %s', (_label, raw, problem) => {
    const r = prepare('@sc/bar', raw, STAMP);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problem).toMatch(problem);
  });

  it('recognizes an unpublished package and leaves a stub that keeps the name read-only', () => {
    expect(isUnpublishedUpstream({ name: 'x', time: { unpublished: { time: 'T' } } })).toBe(true);
    expect(isUnpublishedUpstream({ name: 'x', versions: {} })).toBe(true);
    expect(isUnpublishedUpstream(upstreamDoc())).toBe(false);
    const existing = prepared(upstreamDoc()).doc;
    const stub = unpublishedStub('@sc/bar', existing, null, STAMP);
    expect(stub).toMatchObject({ versions: {}, 'dist-tags': {}, origin: 'mirror:https://up.example', unpublished: { versions: ['1.0.0'] } });
    expect(checkWrite(stub as PackageDoc, existing, ADMIN, 'registry-here')).toBeNull();
  });
});

describe('tarballProblem (checking bytes against dist.integrity and dist.shasum)', () => {
  const bytes = Buffer.from('a tarball');
  const sri = (algo: string) => algo + '-' + createHash(algo).update(bytes).digest('base64');
  const sha1hex = createHash('sha1').update(bytes).digest('hex');
  it.each([
    ['sha512 integrity', { integrity: sri('sha512') }, null],
    ['sha512 and shasum', { integrity: sri('sha512'), shasum: sha1hex }, null],
    ['only shasum', { shasum: sha1hex.toUpperCase() }, null],
    ['a weaker hash listed too', { integrity: sri('sha1') + ' ' + sri('sha512') }, null],
    ['a wrong sha512', { integrity: 'sha512-AAAA' }, /dist\.integrity \(sha512\)/],
    ['the strongest hash decides', { integrity: sri('sha1') + ' sha512-AAAA' }, /dist\.integrity \(sha512\)/],
    ['a wrong shasum beside a right integrity', { integrity: sri('sha512'), shasum: '00' }, /dist\.shasum/],
    ['an unknown algorithm only', { integrity: 'md5-xyz' }, /cannot be verified/],
  ])('%s', (_label, dist, expected) => {
    const p = tarballProblem(bytes, dist, 'x@1.0.0');
    if (expected === null) expect(p).toBeNull();
    else expect(p).toMatch(expected);
  });
});

describe('dependencyNames (what --deps follows)', () => {
  it('takes dependencies, optional and required peer dependencies of every version', () => {
    const doc = {
      _id: 'p', name: 'p',
      versions: {
        '1.0.0': { name: 'p', version: '1.0.0', dist: { tarball: 'x' }, dependencies: { a: '^1', p: '1' }, devDependencies: { dev: '1' } },
        '2.0.0': {
          name: 'p', version: '2.0.0', dist: { tarball: 'x' }, optionalDependencies: { '@s/opt': '1' },
          peerDependencies: { peer: '1', maybe: '1' }, peerDependenciesMeta: { maybe: { optional: true } },
        },
      },
    } as unknown as PackageDoc;
    expect(dependencyNames(doc)).toEqual(['@s/opt', 'a', 'peer']);
  });

  it.each([
    ['a', '^1.2.0', 'a'],
    ['alias', 'npm:real@^2', 'real'],
    ['alias', 'npm:@sc/real@2', '@sc/real'],
    ['g', 'github:user/repo', null],
    ['g', 'user/repo#v1', null],
    ['u', 'https://example.com/u.tgz', null],
    ['f', 'file:../f', null],
    ['w', 'workspace:*', null],
  ])('%s: %s → %s', (key, spec, name) => {
    expect(registryName(key, spec)).toBe(name);
  });
});

describe('upstream URLs', () => {
  it('escapes scoped names as npm does, and normalizes the upstream', () => {
    expect(upstreamPath('@sc/bar')).toBe('@sc%2fbar');
    expect(upstreamPath('plain')).toBe('plain');
    expect(normalizeUpstream('https://u:p@registry.example/npm/')).toBe('https://registry.example/npm');
  });

  it('finds the public registry\'s change feed on its replication host', () => {
    expect(defaultChangesUrl('https://registry.npmjs.org')).toBe('https://replicate.npmjs.com/registry/_changes');
    expect(defaultChangesUrl('http://127.0.0.1:5984/registry')).toBe('http://127.0.0.1:5984/registry/_changes');
  });
});
