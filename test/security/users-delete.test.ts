// Issue 16, D10: an account's name cannot be freed and taken over with its packages. Users cannot
// delete their own `_users` document by any path (DELETE, PUT with _deleted, _bulk_docs,
// new_edits:false), and nobody can graft a revision of their own onto someone else's account.
// Each refusal leaves the stored document exactly as it was; an administrator still can delete.
import { describe, it, expect, beforeAll } from 'vitest';
import { createRegistry, http, signedUp, uniqueUser, type TestRegistry } from '../support/registry';
import { publishBody } from '../support/tarball';
import { NpmUser } from '../../src/npm/client';

const C = uniqueUser('carol');
const M = uniqueUser('mallory');
const ID = 'org.couchdb.user:' + C;
const DOC_PATH = '/_users/' + encodeURIComponent(ID);
const DELETE_REFUSAL = 'Accounts are not deleted by their users here: an administrator removes the account ' + C + ' (its packages keep naming it as their maintainer).';

describe('deleting an account (D10)', () => {
  let reg: TestRegistry;
  let carol: NpmUser;
  let token: string;
  const stored = () => reg.couch.request('GET', DOC_PATH.slice(1), undefined, { allow404: true });
  const bearer = () => ({ authorization: 'Bearer ' + token });
  const basic = { authorization: 'Basic ' + Buffer.from(C + ':pw-carol-1').toString('base64') };
  let before: any;
  let malloryToken: string;

  beforeAll(async () => {
    reg = await createRegistry('users-delete');
    carol = await signedUp(reg.url, 'carol', C);
    token = carol.token() as string;
    const pub = await http(reg.url + 'carols-pkg', { method: 'PUT', json: publishBody('carols-pkg', '1.0.0'), headers: bearer() });
    expect(pub.status, pub.text).toBe(201);
    before = await stored();
    expect(before.name).toBe(C);
  });

  const unchanged = async () => expect(await stored()).toEqual(before);

  it('refuses DELETE of one\'s own document with a token, with a sentence', async () => {
    const r = await http(reg.origin + DOC_PATH + '?rev=' + before._rev, { method: 'DELETE', headers: bearer() });
    expect(r.status, r.text).toBe(403);
    expect(r.json).toEqual({ error: 'forbidden', reason: DELETE_REFUSAL });
    await unchanged();
  });

  it('refuses DELETE of one\'s own document with Basic auth and If-Match', async () => {
    const r = await http(reg.origin + DOC_PATH, { method: 'DELETE', headers: { ...basic, 'if-match': '"' + before._rev + '"' } });
    expect(r.status, r.text).toBe(403);
    expect(r.json.reason).toBe(DELETE_REFUSAL);
    await unchanged();
  });

  it('refuses a PUT with _deleted: true', async () => {
    const own = (await http(reg.origin + DOC_PATH, { headers: bearer() })).json;
    const r = await http(reg.origin + DOC_PATH, { method: 'PUT', headers: bearer(), json: { ...own, _deleted: true } });
    expect(r.status, r.text).toBe(403);
    expect(r.json.reason).toBe(DELETE_REFUSAL);
    await unchanged();
  });

  it('refuses a _bulk_docs deletion', async () => {
    const r = await http(reg.origin + '/_users/_bulk_docs', { method: 'POST', headers: bearer(), json: { docs: [{ _id: ID, _rev: before._rev, _deleted: true }] } });
    expect(r.status, r.text).toBe(201);
    expect(r.json[0]).toMatchObject({ id: ID, error: 'forbidden', reason: DELETE_REFUSAL });
    await unchanged();
  });

  it('refuses a deleted revision written with new_edits: false, on the branch or beside it', async () => {
    const [n, hash] = before._rev.split('-');
    const child = (Number(n) + 1) + '-' + 'a'.repeat(32);
    const onBranch = { _id: ID, _rev: child, _deleted: true, _revisions: { start: Number(n) + 1, ids: ['a'.repeat(32), hash] } };
    const beside = { _id: ID, _rev: '9-' + 'b'.repeat(32), _deleted: true };
    const r = await http(reg.origin + '/_users/_bulk_docs', { method: 'POST', headers: bearer(), json: { new_edits: false, docs: [onBranch, beside] } });
    expect(r.status, r.text).toBe(201);
    expect(r.json).toHaveLength(2);
    expect(r.json[0]).toMatchObject({ error: 'forbidden', reason: DELETE_REFUSAL });
    // Beside the branch CouchDB's own _auth validation already fails (it reads oldDoc.name of no
    // old document: a TypeError), before the registry's; refused either way.
    expect(r.json[1].error, JSON.stringify(r.json[1])).toBeTruthy();
    await unchanged();
    const revs = await reg.couch.request('GET', DOC_PATH.slice(1), undefined, { qs: { open_revs: 'all' } });
    expect(revs).toHaveLength(1);
  });

  it('refuses a stranger grafting a competing revision with their own password onto carol (new_edits: false)', async () => {
    const graft = { _id: ID, _rev: '9-' + 'c'.repeat(32), name: C, type: 'user', roles: [], password: 'mallory-knows' };
    const anonymous = await http(reg.origin + '/_users/_bulk_docs', { method: 'POST', json: { new_edits: false, docs: [graft] } });
    expect(anonymous.status, anonymous.text).toBe(201);
    // CouchDB shows the validation no old document for a revision without a known parent, so only
    // the registry's rule stops it; the stand-in shows the current one and CouchDB's _auth refuses.
    const reason = reg.backend === 'embedded' ? 'You may only update your own user document.' : 'A user document is created by signing up, with no revision of its own; only administrators replicate into _users.';
    expect(anonymous.json[0], anonymous.text).toMatchObject({ error: 'forbidden', reason });
    // The same as one document: PUT ?new_edits=false.
    const single = await http(reg.origin + DOC_PATH + '?new_edits=false', { method: 'PUT', json: { ...graft, _rev: '9-' + 'd'.repeat(32) } });
    expect(single.status, single.text).toBe(403);
    expect(single.json.reason).toBe(reason);
    malloryToken = (await signedUp(reg.url, 'mallory', M)).token() as string;
    const loggedIn = await http(reg.origin + '/_users/_bulk_docs', { method: 'POST', headers: { authorization: 'Bearer ' + malloryToken }, json: { new_edits: false, docs: [graft] } });
    // CouchDB refuses the whole request (404: a user writes only their own document), the stand-in the row.
    expect(loggedIn.status === 404 || loggedIn.json[0].error === 'not_found', loggedIn.text).toBe(true);
    await unchanged();
    expect(await reg.couch.request('GET', DOC_PATH.slice(1), undefined, { qs: { open_revs: 'all' } })).toHaveLength(1);
    const session = await http(reg.origin + '/_session', { headers: { authorization: 'Basic ' + Buffer.from(C + ':mallory-knows').toString('base64') } });
    expect(session.status).toBe(401);
  });

  it('refuses a _purge of carol\'s document, anonymous or by carol, which would leave no trace of the account', async () => {
    // CouchDB 3.4 requires a server admin for _purge except in _users, which anyone who may read it
    // (everyone, once sign-up is open) may purge; setup therefore allows no purge to name a revision
    // ([purge] max_revisions_number = 0) and CouchDB answers 400. The stand-in asks for an admin.
    const expected = reg.backend === 'embedded' ? [401, 403] : [400];
    const anonymous = await http(reg.origin + '/_users/_purge', { method: 'POST', json: { [ID]: [before._rev] } });
    expect(expected, anonymous.text).toContain(anonymous.status);
    const own = await http(reg.origin + '/_users/_purge', { method: 'POST', headers: bearer(), json: { [ID]: [before._rev] } });
    expect(expected, own.text).toContain(own.status);
    await unchanged();
    if (reg.backend !== 'embedded') {
      const nodes: string[] = (await reg.couch.request('GET', '_membership')).all_nodes;
      for (const node of nodes) expect(await reg.couch.config(node, 'purge', 'max_revisions_number')).toBe('0');
    }
  });

  it('still lets carol change her own document (an update is not a deletion)', async () => {
    const own = (await http(reg.origin + DOC_PATH, { headers: bearer() })).json;
    const r = await http(reg.origin + DOC_PATH, { method: 'PUT', headers: bearer(), json: { ...own, email: 'carol2@example.com' } });
    expect(r.status, r.text).toBe(201);
    before = await stored();
    expect(before.email).toBe('carol2@example.com');
  });

  it('keeps the name: a stranger\'s npm adduser as carol is refused and carol still maintains her package', async () => {
    const mallory = new NpmUser(reg.url, 'stranger');
    const r = await mallory.adduser(C, 'pw-mallory-1', 'mallory@example.com');
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('The user ' + C + ' already exists');
    expect(mallory.token()).toBeUndefined();
    await unchanged();
    const pkg = await http(reg.url + 'carols-pkg');
    expect(pkg.json.maintainers.map((m: { name: string }) => m.name)).toEqual([C]);
  });

  it('a user cannot delete someone else\'s document either, anonymous or logged in', async () => {
    for (const headers of [{}, { authorization: 'Bearer ' + malloryToken }] as Array<Record<string, string>>) {
      const r = await http(reg.origin + DOC_PATH + '?rev=' + before._rev, { method: 'DELETE', headers });
      expect([403, 404]).toContain(r.status);
    }
    await unchanged();
  });

  it('an administrator locks an account (keeping its name) by removing its password fields', async () => {
    const name = uniqueUser('locked');
    await signedUp(reg.url, 'locked', name);
    const path = '_users/' + encodeURIComponent('org.couchdb.user:' + name);
    const doc = await reg.couch.request('GET', path);
    for (const f of ['derived_key', 'salt', 'iterations', 'password_scheme', 'pbkdf2_prf', 'password_sha']) delete doc[f];
    await reg.couch.request('PUT', path, doc);
    const session = await http(reg.origin + '/_session', { headers: { authorization: 'Basic ' + Buffer.from(name + ':pw-locked-1').toString('base64') } });
    expect(session.status).toBe(401);
    const again = new NpmUser(reg.url, 'locked-again');
    expect((await again.login(name, 'pw-locked-1')).code).not.toBe(0);
    const taker = new NpmUser(reg.url, 'taker');
    const r = await taker.adduser(name, 'pw-taker-1', 'taker@example.com');
    expect(r.code).not.toBe(0);
    expect(r.output).toContain('The user ' + name + ' already exists');
    expect(taker.token()).toBeUndefined();
  });

  it('an administrator can still remove the account', async () => {
    const r = await reg.couch.request('DELETE', DOC_PATH.slice(1), undefined, { qs: { rev: before._rev } });
    expect(r.ok).toBe(true);
    expect(await stored()).toBeNull();
  });
});
