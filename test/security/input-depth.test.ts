// Issue 16, "Also": a version manifest nested 10,000 deep answered 500 RangeError on the stand-in
// and was stored as it was by CouchDB 3.4.3. Every path that parses or compares documents now
// refuses values nested more than MAX_NESTING deep with a sentence, before any code recurses.
import { describe, it, expect, beforeAll } from 'vitest';
import { createRegistry, http, signedUp, storedDoc, uniqueUser, type TestRegistry } from '../support/registry';
import { publishBody } from '../support/tarball';
import { jsonEqual, MAX_NESTING, nestsDeeperThan } from '../../src/shared/equal';

/** JSON text nested n objects deep, written by hand: JSON.stringify itself overflows on it. */
const deepText = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
const deepValue = (n: number) => JSON.parse(deepText(n));
/** The JSON of `value` with the string "__DEEP__" replaced by an n-deep value. */
const withDeep = (value: unknown, n: number) => JSON.stringify(value).replace('"__DEEP__"', deepText(n));

describe('nesting: the iterative checks', () => {
  it('measures nesting without recursion, at any depth', () => {
    expect(nestsDeeperThan(deepValue(100000), MAX_NESTING)).toBe(true);
    expect(nestsDeeperThan(deepValue(MAX_NESTING), MAX_NESTING)).toBe(false);
    expect(nestsDeeperThan(deepValue(MAX_NESTING + 1), MAX_NESTING)).toBe(true);
    expect(nestsDeeperThan([[[1]]], 3)).toBe(false);
    expect(nestsDeeperThan([[[[]]]], 3)).toBe(true);
    expect(nestsDeeperThan('text', 0)).toBe(false);
  });

  it('compares deep values without recursion', () => {
    expect(jsonEqual(deepValue(100000), deepValue(100000))).toBe(true);
    expect(jsonEqual(deepValue(100000), deepValue(99999))).toBe(false);
    expect(jsonEqual({ a: [1, { b: 2 }], c: undefined }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe(false);
    expect(jsonEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
  });
});

describe('nesting: every write path refuses it with a sentence', () => {
  let reg: TestRegistry;
  let token: string;
  let userToken: string;
  const user = uniqueUser('dora');
  const put = (url: string, body: string, t = token) =>
    http(url, { method: 'PUT', body, headers: { authorization: 'Bearer ' + t, 'content-type': 'application/json' } });

  beforeAll(async () => {
    reg = await createRegistry('input-depth');
    token = (await signedUp(reg.url, 'dora', user)).token() as string;
    userToken = token;
    expect((await http(reg.url + 'kept', { method: 'PUT', json: publishBody('kept', '1.0.0'), headers: { authorization: 'Bearer ' + token } })).status).toBe(201);
  });

  it('npm publish of a manifest nested 10,000 deep: 400 with a sentence, nothing stored', async () => {
    const body = publishBody('deep-pkg', '1.0.0');
    (Object.values(body.versions)[0] as Record<string, unknown>).config = '__DEEP__';
    const r = await put(reg.url + 'deep-pkg', withDeep(body, 10000));
    expect(r.status, r.text.slice(0, 300)).toBe(400);
    expect(r.json.error).toBe('The publish request nests objects or arrays more than ' + MAX_NESTING + ' levels deep, which this registry does not accept.');
    expect(await storedDoc(reg, 'deep-pkg')).toBeNull();
  });

  it('still publishes a manifest with ordinary nesting (90 levels inside it)', async () => {
    const body = publishBody('nested-ok', '1.0.0');
    (Object.values(body.versions)[0] as Record<string, unknown>).config = '__DEEP__';
    const r = await put(reg.url + 'nested-ok', withDeep(body, 90));
    expect(r.status, r.text.slice(0, 300)).toBe(201);
  });

  it('a direct PUT of a package document with a 10,000-deep field: 403 with a sentence, document unchanged', async () => {
    const before = await storedDoc(reg, 'kept');
    const doc = { ...before, extra: '__DEEP__' };
    const r = await put(reg.origin + '/' + reg.db + '/kept', withDeep(doc, 10000));
    expect(r.status, r.text.slice(0, 300)).toBe(403);
    expect(r.json.reason).toBe('The document kept nests objects or arrays more than ' + MAX_NESTING + ' levels deep, which this registry does not accept.');
    expect(await storedDoc(reg, 'kept')).toEqual(before);
  });

  it('a _bulk_docs of such a document: refused in its row, document unchanged', async () => {
    const before = await storedDoc(reg, 'kept');
    const r = await http(reg.origin + '/' + reg.db + '/_bulk_docs', {
      method: 'POST', body: withDeep({ docs: [{ ...before, extra: '__DEEP__' }] }, 10000), headers: { authorization: 'Bearer ' + token, 'content-type': 'application/json' },
    });
    expect(r.status, r.text.slice(0, 300)).toBe(201);
    expect(r.json[0]).toMatchObject({ error: 'forbidden', reason: expect.stringMatching(/nests objects or arrays more than/) });
    expect(await storedDoc(reg, 'kept')).toEqual(before);
  });

  it('a user document updated with a 10,000-deep field: 403 with a sentence, document unchanged', async () => {
    const path = '/_users/' + encodeURIComponent('org.couchdb.user:' + user);
    const before = await reg.couch.request('GET', path.slice(1));
    const own = (await http(reg.origin + path, { headers: { authorization: 'Bearer ' + userToken } })).json;
    const r = await put(reg.origin + path, withDeep({ ...own, extra: '__DEEP__' }, 10000), userToken);
    expect(r.status, r.text.slice(0, 300)).toBe(403);
    expect(r.json.reason).toBe('The user document nests objects or arrays more than ' + MAX_NESTING + ' levels deep, which this registry does not accept.');
    expect(await reg.couch.request('GET', path.slice(1))).toEqual(before);
  });
});
