// D8: publishes that race each other. CouchDB checks the revision before validate_doc_update runs,
// so the loser of a race is told 409 (npm then fetches the document again and retries); the
// stand-in used to validate first, against the winner's newer document, and answered 403 with a
// reason ("The publish time of … must be kept") that had nothing to do with the request.
import { beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, http, storedDoc, uniqueUser, type TestRegistry } from '../support/registry';
import { publishBody } from '../support/tarball';

let reg: TestRegistry;
let token: string;

beforeAll(async () => {
  reg = await createRegistry('publish-race');
  const name = uniqueUser('racer');
  // signed up the way a hostile script would: one PUT to the registry's user route
  const r = await http(reg.url + '-/user/org.couchdb.user:' + name, {
    method: 'PUT',
    json: { _id: 'org.couchdb.user:' + name, name, password: 'pw-racer-1', type: 'user', roles: [] },
  });
  expect(r.status, r.text).toBe(201);
  token = r.json.token;
  const first = await http(reg.url + 'racy', { method: 'PUT', json: publishBody('racy', '1.0.0'), headers: { authorization: 'Bearer ' + token } });
  expect(first.status, first.text).toBe(201);
});

describe('parallel publishes of different versions (D8)', () => {
  it('answer 201 or 409 conflict, never 403, and keep every version that was acknowledged', async () => {
    const acknowledged = ['1.0.0'];
    for (let round = 2; round <= 4; round++) {
      const versions = Array.from({ length: 8 }, (_, i) => round + '.' + i + '.0');
      const replies = await Promise.all(
        versions.map((v) => http(reg.url + 'racy', { method: 'PUT', json: publishBody('racy', v), headers: { authorization: 'Bearer ' + token } })),
      );
      for (const [i, r] of replies.entries()) {
        expect([201, 409], versions[i] + ': ' + r.status + ' ' + r.text).toContain(r.status);
        if (r.status === 409) expect(r.json.error).toBe('conflict');
        if (r.status === 201) acknowledged.push(versions[i]);
      }
    }
    const doc = await storedDoc(reg, 'racy');
    expect(Object.keys(doc.versions).sort()).toEqual(acknowledged.sort());
  });

  it('a direct PUT or _bulk_docs with a stale _rev is a 409 conflict even when validation would refuse it', async () => {
    const current = await storedDoc(reg, 'racy');
    const stale = '1-' + current._rev.split('-')[1].replace(/./g, 'a');
    const auth = { authorization: 'Bearer ' + token };
    const put = await http(reg.origin + '/' + reg.db + '/racy', { method: 'PUT', json: { _id: 'racy', _rev: stale, name: 'racy' }, headers: auth });
    expect(put.status, put.text).toBe(409);
    expect(put.json).toEqual({ error: 'conflict', reason: 'Document update conflict.' });
    const bulk = await http(reg.origin + '/' + reg.db + '/_bulk_docs', { method: 'POST', json: { docs: [{ _id: 'racy', _rev: stale, name: 'racy' }] }, headers: auth });
    expect(bulk.status, bulk.text).toBe(201);
    expect(bulk.json).toEqual([{ id: 'racy', error: 'conflict', reason: 'Document update conflict.' }]);
    expect((await storedDoc(reg, 'racy'))._rev).toBe(current._rev);
  });
});
