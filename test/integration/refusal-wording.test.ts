// Where a refusal's sentence can stand. npm prints a 4xx as `<status> - <METHOD> <url> - <error>`,
// never `reason` (docs/npm-protocol.md). validate_doc_update can only throw a one-key object whose
// key CouchDB puts in `error` ("forbidden" or "unauthorized") with the sentence in `reason`, so the
// update handlers refuse a write themselves, with the same sentence (src/shared/rules.ts) in `error`.
import { describe, it, expect, beforeAll } from 'vitest';
import { writeFileSync } from 'node:fs';
import { backendKind, createRegistry, http, signedUp, uniqueUser, type TestRegistry } from '../support/registry';
import { NpmUser } from '../../src/npm/client';
import { publishBody } from '../support/tarball';

const A = uniqueUser('alice');
const B = uniqueUser('bob');
const real = backendKind() !== 'embedded';

describe('a refusal npm can print', () => {
  let reg: TestRegistry;
  let bob: NpmUser;
  let bobToken: string;
  const sentence = () => 'You are not a maintainer of owned. Only maintainers of owned may change it; one of them can add you with `npm owner add ' + B + ' owned`.';

  beforeAll(async () => {
    reg = await createRegistry('refusal-wording');
    const alice = await signedUp(reg.url, 'alice', A);
    bob = await signedUp(reg.url, 'bob', B);
    bobToken = bob.token() as string;
    const r = await http(reg.url + 'owned', { method: 'PUT', headers: { authorization: 'Bearer ' + alice.token() }, json: publishBody('owned', '1.0.0') });
    expect(r.status, r.text).toBe(201);
  });

  it('through the registry: npm prints the sentence of rules.ts', async () => {
    const before = await reg.couch.request('GET', reg.db + '/owned');
    const r = await bob.run(['deprecate', 'owned@1.0.0', 'not mine']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('403 Forbidden - PUT ' + reg.url + 'owned - ' + sentence());
    expect((await reg.couch.request('GET', reg.db + '/owned'))._rev).toBe(before._rev);
  });

  it('written to the database directly: validate_doc_update refuses with the same sentence, which npm cannot show', async () => {
    const before = await reg.couch.request('GET', reg.db + '/owned');
    const direct = reg.origin + '/' + reg.db + '/';
    const raw = await http(direct + 'owned', { method: 'PUT', headers: { authorization: 'Bearer ' + bobToken }, json: { ...before, description: 'not mine' } });
    expect(raw.status).toBe(403);
    expect(raw.json).toEqual({ error: 'forbidden', reason: sentence() });

    // The same change by npm, pointed at the database itself: CouchDB's document API serves the
    // document as the packument and takes the PUT, and npm shows only the word in `error`.
    const viaCouch = new NpmUser(direct, 'bob-direct');
    writeFileSync(viaCouch.userconfig, direct.replace(/^https?:/, '') + ':_authToken=' + bobToken + '\n');
    const r = await viaCouch.run(['deprecate', 'owned@1.0.0', 'not mine']);
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('403 Forbidden - PUT ' + direct + 'owned - forbidden');
    expect(r.output).not.toContain('You are not a maintainer');
    expect((await reg.couch.request('GET', reg.db + '/owned'))._rev).toBe(before._rev);
  });
});

if (!real) console.log('refusal-wording.test.ts: the shapes CouchDB refuses to take from validate_doc_update are checked on a real CouchDB only; the stand-in answers some of them differently.');

describe('what validate_doc_update can throw (couch_query_servers:validate_doc_update, chttpd:error_info)', () => {
  let reg: TestRegistry;
  let db: string;
  let basic: string;
  const shapes: Array<[string, string, boolean, number, unknown]> = [
    // [label, what the function throws, the same on the stand-in, status, body without `ref`]
    ['forbidden', "{forbidden: 'The sentence.'}", true, 403, { error: 'forbidden', reason: 'The sentence.' }],
    ['unauthorized', "{unauthorized: 'The sentence.'}", true, 401, { error: 'unauthorized', reason: 'The sentence.' }],
    ['forbidden with an error key', "{forbidden: 'The sentence.', error: 'The sentence.'}", false, 500, { error: 'unknown_error', reason: 'function_clause' }],
    ['forbidden with an object', "{forbidden: {error: 'The sentence.'}}", false, 403, { error: 'forbidden', reason: { error: 'The sentence.' } }],
    ['an error key alone', "{error: 'The sentence.'}", false, 500, { error: 'unknown_error', reason: 'The sentence.' }],
  ];

  beforeAll(async () => {
    reg = await createRegistry('vdu-shapes');
    db = reg.db + '-vdu';
    await reg.couch.request('PUT', db);
    const u = new URL(reg.adminUrl);
    basic = 'Basic ' + Buffer.from(decodeURIComponent(u.username) + ':' + decodeURIComponent(u.password)).toString('base64');
    for (let i = 0; i < shapes.length; i++) {
      await reg.couch.request('PUT', db + '/_design/s' + i, { validate_doc_update: 'function (doc) { if (doc.shape === ' + i + ') throw(' + shapes[i][1] + '); }' });
    }
  });

  for (let i = 0; i < shapes.length; i++) {
    const [label, , everywhere, status, body] = shapes[i];
    it.skipIf(!everywhere && !real)('throw ' + label + ': ' + status, async () => {
      const r = await http(reg.origin + '/' + db + '/d' + i, { method: 'PUT', headers: { authorization: basic }, json: { shape: i } });
      expect(r.status).toBe(status);
      const { ref: _ref, ...rest } = r.json;
      expect(rest).toEqual(body);
      // Nothing puts a sentence in `error` with a 4xx status.
      if (status < 500) expect(['forbidden', 'unauthorized']).toContain(r.json.error);
    });
  }
});
