// Every write rule an update handler enforces is the rule validate_doc_update enforces, in the same
// words: for each rule, the handler's refusal of a request is compared with checkWrite's verdict on
// the document a direct write of the same change would store. The handlers are the design
// document's own functions (couchapp/updates/*), run here as CouchDB runs them.
import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import packageUpdate from '../../couchapp/updates/package';
import distTagsUpdate from '../../couchapp/updates/dist-tags';
import unpublishUpdate from '../../couchapp/updates/unpublish';
import tarballUpdate from '../../couchapp/updates/tarball';
import type { DesignDoc } from '../../couchapp/lib/settings';
import type { CouchRequest, CouchResponse, UserCtx } from '../../src/shared/couch';
import type { PackageDoc } from '../../src/shared/packument';
import { checkWrite, largestTarball } from '../../src/shared/rules';
import { publishBody } from '../support/tarball';

const ID = 'R1';
const MAX_BODY = 1024 * 1024;
const ddoc: DesignDoc = { _id: '_design/app', registry: { id: ID, maxBodyBytes: MAX_BODY, allowPrivateForeignUrls: false } };

const alice: UserCtx = { name: 'alice', roles: ['email:alice@example.com'] };
const bob: UserCtx = { name: 'bob', roles: [] };
const anon: UserCtx = { name: null, roles: [] };

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** A version as the publish handler stores it. */
function version(v: string, user = 'alice', extra: Record<string, unknown> = {}) {
  return { name: 'foo', version: v, description: 'test package foo', dist: { tarball: 'foo/-/foo-' + v + '.tgz', shasum: 'x' }, _npmUser: { name: user }, ...extra };
}
/** The stored package: foo 1.0.0 by alice, published here. */
const stored: PackageDoc = {
  _id: 'foo', _rev: '1-a', name: 'foo', origin: ID,
  'dist-tags': { latest: '1.0.0' }, versions: { '1.0.0': version('1.0.0') },
  time: { created: 't', modified: 't', '1.0.0': 't' }, maintainers: [{ name: 'alice' }],
  _attachments: { 'foo-1.0.0.tgz': { content_type: 'application/octet-stream', stub: true, digest: 'md5-A', length: 10, revpos: 1 } },
};
/** foo after alice's `npm unpublish foo --force`. */
const unpublished: PackageDoc = {
  _id: 'foo', _rev: '2-b', name: 'foo', origin: ID, maintainers: [{ name: 'alice' }], 'dist-tags': {}, versions: {},
  time: { created: 't', modified: 't', '1.0.0': 't', unpublished: 't' }, unpublished: { time: 't', by: 'alice', versions: ['1.0.0'] },
};
const mirrored: PackageDoc = { ...clone(stored), origin: 'mirror:https://registry.example' };
const foreign: PackageDoc = { _id: 'foo', _rev: '1-a', name: 'foo', origin: ID, url: 'https://elsewhere.example/foo', maintainers: [{ name: 'alice' }], time: { created: 't', modified: 't' } };

/** `base` with a version added as a direct write would add it: manifest, time, a new upload. */
function plus(base: PackageDoc, v: string, user = 'alice'): PackageDoc {
  const d = clone(base);
  d.versions = { ...(d.versions || {}), [v]: version(v, user) };
  d.time = { ...(d.time || {}), [v]: 't' };
  d['dist-tags'] = { ...(d['dist-tags'] || {}), latest: v };
  d._attachments = { ...(d._attachments || {}), ['foo-' + v + '.tgz']: { content_type: 'application/octet-stream', length: 10 } };
  return d;
}

function request(method: string, user: UserCtx, query: Record<string, string>, body?: unknown): CouchRequest {
  return {
    method, path: [], requested_path: [], headers: { Host: 'localhost' }, query: { pkg: 'foo', ...query },
    body: body === undefined ? 'undefined' : typeof body === 'string' ? body : JSON.stringify(body), id: 'foo', userCtx: user,
  };
}

type Handler = (this: DesignDoc, doc: PackageDoc | null, req: CouchRequest) => [PackageDoc | null, CouchResponse];
const put = (body: unknown) => (user: UserCtx) => [packageUpdate as Handler, request('PUT', user, {}, body)] as const;

interface Case {
  rule: string;
  user: UserCtx;
  stored: PackageDoc | null;
  call: (user: UserCtx) => readonly [Handler, CouchRequest];
  /** What a direct PUT of the same change would ask CouchDB to store. */
  direct: PackageDoc;
  /** The handler's status when it differs from the verdict's (a check of the request body, 400). */
  status?: number;
  sentence: RegExp;
}

const cases: Case[] = [
  { rule: 'login', user: anon, stored: null, call: put(publishBody('foo', '1.0.0')), direct: plus({ _id: 'foo', name: 'foo', origin: ID, maintainers: [{ name: 'alice' }] } as PackageDoc, '1.0.0'), sentence: /must be logged in/ },
  { rule: 'read-only copies (publish)', user: alice, stored: mirrored, call: put(publishBody('foo', '1.1.0')), direct: plus(mirrored, '1.1.0'), sentence: /mirrored from https:\/\/registry\.example and is read-only here/ },
  { rule: 'read-only copies (dist-tag)', user: alice, stored: mirrored, call: (u) => [distTagsUpdate as Handler, request('PUT', u, { tag: 'next' }, '"1.0.0"')], direct: { ...clone(mirrored), 'dist-tags': { latest: '1.0.0', next: '1.0.0' } }, sentence: /read-only here/ },
  { rule: 'former maintainers (publish)', user: bob, stored: unpublished, call: put(publishBody('foo', '2.0.0')), direct: { ...plus(unpublished, '2.0.0', 'bob'), maintainers: [{ name: 'bob' }], unpublished: undefined }, sentence: /belonged to other maintainers/ },
  { rule: 'former maintainers (foreign registration)', user: bob, stored: unpublished, call: put({ name: 'foo', maintainers: [{ name: 'bob' }], url: 'https://elsewhere.example/foo' }), direct: { ...clone(foreign), _rev: '2-b', maintainers: [{ name: 'bob' }] }, sentence: /belonged to other maintainers/ },
  { rule: 'maintainers (publish)', user: bob, stored: stored, call: put(publishBody('foo', '2.0.0')), direct: plus(stored, '2.0.0', 'bob'), sentence: /You are not a maintainer of foo/ },
  { rule: 'maintainers (owners)', user: bob, stored: stored, call: put({ _id: 'foo', _rev: '1-a', maintainers: [{ name: 'bob' }] }), direct: { ...clone(stored), maintainers: [{ name: 'bob' }] }, sentence: /You are not a maintainer of foo/ },
  { rule: 'maintainers (deprecate)', user: bob, stored: stored, call: put({ ...clone(stored), versions: { '1.0.0': version('1.0.0', 'alice', { deprecated: 'no' }) } }), direct: { ...clone(stored), versions: { '1.0.0': version('1.0.0', 'alice', { deprecated: 'no' }) } }, sentence: /You are not a maintainer of foo/ },
  { rule: 'maintainers (foreign registration)', user: bob, stored: foreign, call: put({ name: 'foo', maintainers: [{ name: 'bob' }], url: 'https://evil.example/foo' }), direct: { ...clone(foreign), url: 'https://evil.example/foo' }, sentence: /You are not a maintainer of foo/ },
  { rule: 'maintainers (unpublish)', user: bob, stored: stored, call: (u) => [unpublishUpdate as Handler, request('DELETE', u, { rev: '1-a' })], direct: { ...clone(unpublished), _rev: '1-a' }, sentence: /You are not a maintainer of foo/ },
  { rule: 'maintainers (dist-tag)', user: bob, stored: stored, call: (u) => [distTagsUpdate as Handler, request('PUT', u, { tag: 'next' }, '"1.0.0"')], direct: { ...clone(stored), 'dist-tags': { latest: '1.0.0', next: '1.0.0' } }, sentence: /You are not a maintainer of foo/ },
  { rule: 'published versions stay (publish over one)', user: alice, stored: stored, call: put(publishBody('foo', '1.0.0')), direct: { ...clone(stored), versions: { '1.0.0': version('1.0.0', 'alice', { main: 'other.js' }) } }, sentence: /You cannot publish over the previously published version 1\.0\.0 of foo\./ },
  { rule: 'no version reuse', user: alice, stored: unpublished, call: put(publishBody('foo', '1.0.0')), direct: { ...plus(unpublished, '1.0.0'), unpublished: undefined }, sentence: /1\.0\.0 of foo was published before and unpublished; a version number can never be reused/ },
  { rule: 'no build-metadata twin', user: alice, stored: stored, call: put(publishBody('foo', '1.0.0+b')), direct: plus(stored, '1.0.0+b'), sentence: /only in its build metadata/ },
  { rule: 'a foreign package stays foreign', user: alice, stored: foreign, call: put(publishBody('foo', '1.0.0')), direct: { ...plus(foreign, '1.0.0'), url: undefined }, sentence: /hosted elsewhere .*cannot receive versions/ },
  { rule: 'a published package stays published', user: alice, stored: stored, call: put({ name: 'foo', maintainers: [{ name: 'alice' }], url: 'https://elsewhere.example/foo' }), direct: { ...clone(foreign), _rev: '1-a' }, sentence: /published package cannot be turned into a foreign package/ },
  { rule: 'a published tarball stays', user: alice, stored: stored, call: (u) => [tarballUpdate as Handler, request('DELETE', u, { file: 'foo-1.0.0.tgz' })], direct: { ...clone(stored), _attachments: {} }, sentence: /foo-1\.0\.0\.tgz belongs to the published version 1\.0\.0 of foo; it can only go when that version is unpublished/ },
  // Checked in the request body first, so the handler answers 400; a direct write gets 403.
  { rule: 'the writer maintains what they create', user: alice, stored: null, call: put({ name: 'foo', maintainers: [{ name: 'bob' }], url: 'https://elsewhere.example/foo' }), direct: { ...clone(foreign), _rev: undefined, maintainers: [{ name: 'bob' }] }, status: 400, sentence: /must be a maintainer of a package you create/ },
  { rule: 'no foreign urls at private addresses', user: alice, stored: null, call: put({ name: 'foo', maintainers: [{ name: 'alice' }], url: 'http://127.0.0.1/foo' }), direct: { ...clone(foreign), _rev: undefined, url: 'http://127.0.0.1/foo' }, status: 400, sentence: /points at a loopback address/ },
];

describe('a refusal reads the same whichever path the write took (src/shared/rules.ts)', () => {
  for (const c of cases) {
    it(c.rule + ': the handler sends checkWrite\'s sentence, in `error`', () => {
      const verdict = checkWrite(c.direct, c.stored, c.user, ID, largestTarball(MAX_BODY), false) as Record<string, string> | null;
      expect(verdict, 'the direct write is refused').not.toBeNull();
      const kind = Object.keys(verdict as object)[0];
      const sentence = (verdict as Record<string, string>)[kind];
      expect(sentence).toMatch(c.sentence);

      const [handler, req] = c.call(c.user);
      const before = clone(c.stored);
      const [written, res] = handler.call(ddoc, clone(c.stored), req);
      expect(written, 'the handler writes nothing').toBeNull();
      const body = JSON.parse(res.body as string);
      expect(body.error).toBe(sentence);
      expect(res.code).toBe(c.status || (kind === 'unauthorized' ? 401 : 403));
      expect(body.reason).toBe(c.status === 400 ? 'bad_request' : kind);
      expect(c.stored).toEqual(before);
    });
  }
});

describe('the handlers state no write rule of their own', () => {
  // Every 401 and 403 of the registry database's update handlers comes from a verdict of rules.ts
  // (failureOf); a handler that wrote its own would restate a rule in other words.
  const root = join(__dirname, '..', '..');
  const files = readdirSync(join(root, 'couchapp/updates')).map((f) => 'couchapp/updates/' + f)
    .concat(['publish', 'manage', 'foreign', 'tags', 'classify', 'actor', 'errors', 'origin'].map((f) => 'src/shared/' + f + '.ts'));
  for (const file of files) {
    it(file + ' sends no 401 or 403 but rules.ts verdicts', () => {
      const source = readFileSync(join(root, file), 'utf8');
      expect(source).not.toMatch(/(fail|errorResponse)\(\s*40[13]\b/);
      expect(source).not.toMatch(/\b(forbidden|unauthorized)\s*:/);
    });
  }
});
