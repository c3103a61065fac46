// D2: what a non-admin can read of `_users`, and how passwords are stored. On CouchDB 3.4 every
// read of another user's document goes through couch_users_db:after_doc_read (public fields
// only, design docs for admins only) before anything else sees it, mango selectors included;
// `_all_docs` and `_changes` are for server admins. The stand-in matched `_find` selectors
// against the stored documents and hid fields only afterwards (an oracle for every salt and
// derived key), answered 500 to `_revs_diff`, `_local` reads and COPY, and hashed passwords with
// 10 rounds of PBKDF2-SHA1 instead of CouchDB's 600,000 rounds of PBKDF2-SHA256.
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRegistry, http, uniqueUser, type TestRegistry } from '../support/registry';

const PRIVATE = ['derived_key', 'salt', 'iterations', 'password_scheme', 'pbkdf2_prf', 'password_sha', 'password', 'roles'];
let reg: TestRegistry;
let users: string;
const mallory = uniqueUser('mallory');
const bob = uniqueUser('bob');
let token: string;

const as = (who: 'mallory' | 'anonymous'): Record<string, string> => (who === 'mallory' ? { authorization: 'Bearer ' + token } : {});
const basic = (name: string, password: string) => ({ authorization: 'Basic ' + Buffer.from(name + ':' + password).toString('base64') });
const admin = () => {
  const u = new URL(reg.adminUrl);
  return basic(decodeURIComponent(u.username), decodeURIComponent(u.password));
};
const signUp = (name: string, password: string) =>
  http(reg.url + '-/user/org.couchdb.user:' + name, {
    method: 'PUT',
    json: { _id: 'org.couchdb.user:' + name, name, password, email: name + '@example.com', type: 'user', roles: [] },
  });
const noPrivateField = (value: unknown) => {
  const text = JSON.stringify(value);
  for (const field of PRIVATE.filter((f) => f !== 'roles')) expect(text, text).not.toContain('"' + field + '"');
};

beforeAll(async () => {
  reg = await createRegistry('users-reads');
  users = reg.origin + '/_users/';
  const m = await signUp(mallory, 'pw-mallory-1');
  expect(m.status, m.text).toBe(201);
  token = m.json.token;
  expect((await signUp(bob, 'pw-bob-1')).status).toBe(201);
});

describe('_find on _users by a non-admin (D2)', () => {
  const find = (who: 'mallory' | 'anonymous', body: unknown) => http(users + '_find', { method: 'POST', json: body, headers: as(who) });

  for (const who of ['mallory', 'anonymous'] as const) {
    it(`never matches a selector against another user's private fields (${who})`, async () => {
      for (const selector of [
        { name: bob, derived_key: { $regex: '^' } },
        { name: bob, salt: { $exists: true } },
        { name: bob, iterations: { $gt: 0 } },
        { name: bob, password_scheme: 'pbkdf2' },
      ]) {
        const r = await find(who, { selector });
        expect(r.status, r.text).toBe(200);
        expect(r.json.docs, JSON.stringify(selector)).toEqual([]);
      }
    });

    it(`returns only the public fields of the documents it lists (${who})`, async () => {
      const r = await find(who, { selector: { name: { $in: [bob, mallory] } }, fields: ['_id', 'name', 'derived_key', 'salt'], limit: 100 });
      expect(r.status, r.text).toBe(200);
      const bobs = r.json.docs.filter((d: { name?: string }) => d.name === bob);
      expect(bobs).toEqual([{ _id: 'org.couchdb.user:' + bob, name: bob }]);
      const all = await find(who, { selector: {}, limit: 1000 });
      expect(all.status).toBe(200);
      noPrivateField(all.json.docs.filter((d: { name?: string }) => d.name !== mallory || who === 'anonymous'));
      expect(JSON.stringify(all.json)).not.toContain('_design/');
    });
  }

  it("matches the caller's own document in full, as CouchDB's owner rule says", async () => {
    const r = await find('mallory', { selector: { name: mallory, derived_key: { $exists: true } } });
    expect(r.status, r.text).toBe(200);
    expect(r.json.docs.map((d: { _id: string }) => d._id)).toEqual(['org.couchdb.user:' + mallory]);
  });
});

describe('every other read of _users by a non-admin (D2)', () => {
  it('_all_docs and _changes are for server admins only', async () => {
    for (const who of ['mallory', 'anonymous'] as const) {
      for (const [method, path] of [
        ['GET', '_all_docs?include_docs=true'],
        ['POST', '_all_docs'],
        ['GET', '_changes?include_docs=true'],
        ['POST', '_changes'],
      ]) {
        const r = await http(users + path, { method, json: method === 'POST' ? {} : undefined, headers: as(who) });
        expect(r.status, who + ' ' + method + ' ' + path + ' ' + r.text).toBe(401);
        noPrivateField(r.json);
      }
    }
  });

  it('_bulk_get, ?revs_info, ?open_revs, ?conflicts and attachments=true show only public fields', async () => {
    const id = 'org.couchdb.user:' + bob;
    const bulk = await http(users + '_bulk_get', { method: 'POST', json: { docs: [{ id }, { id: '_design/_auth' }] }, headers: as('mallory') });
    expect(bulk.status, bulk.text).toBe(200);
    noPrivateField(bulk.json);
    // CouchDB 3.4.3 answers every row of this request with an error; the stand-in the public fields
    const row = bulk.json.results[0].docs[0];
    if (row.ok) expect(row.ok.name).toBe(bob);
    expect(bulk.json.results[1].docs[0].ok).toBeUndefined();
    for (const q of ['revs_info=true', 'open_revs=all', 'conflicts=true&attachments=true&revs=true', 'local_seq=true&meta=true']) {
      const r = await http(users + encodeURIComponent(id) + '?' + q, { headers: { ...as('mallory'), accept: 'application/json' } });
      expect(r.status, q + ' ' + r.text).toBe(200);
      noPrivateField(r.json);
    }
  });

  it('_revs_diff and _missing_revs answer with revisions only, never 500', async () => {
    const id = 'org.couchdb.user:' + bob;
    for (const who of ['mallory', 'anonymous'] as const) {
      const diff = await http(users + '_revs_diff', { method: 'POST', json: { [id]: ['1-0123456789abcdef0123456789abcdef'] }, headers: as(who) });
      expect(diff.status, diff.text).toBe(200);
      expect(diff.json).toEqual({ [id]: { missing: ['1-0123456789abcdef0123456789abcdef'] } });
      const missing = await http(users + '_missing_revs', { method: 'POST', json: { [id]: ['1-0123456789abcdef0123456789abcdef'] }, headers: as(who) });
      expect(missing.status, missing.text).toBe(200);
      expect(missing.json).toEqual({ missing_revs: { [id]: ['1-0123456789abcdef0123456789abcdef'] } });
    }
  });

  it('design documents, their views and _local_docs stay closed; _design_docs lists public fields only', async () => {
    for (const path of ['_design/_auth', '_design/_auth/_view/none', '_design/registry']) {
      const r = await http(users + path, { headers: as('mallory') });
      expect(r.status, path + ' ' + r.text).toBe(403);
      expect(r.json.reason).toBe('Only administrators can view design docs in the users database.');
    }
    // CouchDB lists _local docs to members (200), the stand-in keeps them to admins (403)
    const local = await http(users + '_local_docs?include_docs=true', { headers: as('mallory') });
    noPrivateField(local.json);
    const ddocs = await http(users + '_design_docs?include_docs=true', { headers: as('mallory') });
    expect(ddocs.status, ddocs.text).toBe(200);
    expect(ddocs.json.rows.map((r: { id: string }) => r.id)).toEqual(expect.arrayContaining(['_design/_auth', '_design/registry']));
    expect(ddocs.json.rows.every((r: { doc: unknown }) => r.doc === null), ddocs.text).toBe(true);
  });

  it("_purge of another user's document is refused and leaves it in place", async () => {
    // CouchDB 3.4.3 matches `_users` before its admin-only `_purge` rule, so there it is setup's
    // `[purge] max_revisions_number = 0` that refuses (400); the stand-in keeps _purge to admins (401)
    const id = 'org.couchdb.user:' + bob;
    const current = await http(users + encodeURIComponent(id), { headers: admin() });
    for (const who of ['mallory', 'anonymous'] as const) {
      const r = await http(users + '_purge', { method: 'POST', json: { [id]: [current.json._rev] }, headers: as(who) });
      expect(r.status, who + ' ' + r.text).toBe(reg.backend === 'embedded' ? 401 : 400);
    }
    expect((await http(users + encodeURIComponent(id), { headers: admin() })).json._rev).toBe(current.json._rev);
  });

  it('GET of a _local doc and COPY into one answer as CouchDB does instead of 500, and copy only public fields', async () => {
    const local = '_local/copy-' + randomBytes(4).toString('hex');
    const missing = await http(users + local, { headers: as('mallory') });
    expect(missing.status, missing.text).toBe(404);
    const source = users + encodeURIComponent('org.couchdb.user:' + bob);
    // a logged-in user may write only their own doc (before_doc_update answers not_found)
    const theirs = await http(source, { method: 'COPY', headers: { ...as('mallory'), destination: local } });
    expect(theirs.status, theirs.text).toBe(404);
    // anonymous writes pass before_doc_update, and a _local doc has no validation
    const anon = await http(source, { method: 'COPY', headers: { destination: local } });
    expect(anon.status, anon.text).toBe(201);
    const copied = await http(users + local, { headers: as('mallory') });
    expect(copied.status, copied.text).toBe(200);
    expect(copied.json.name).toBe(bob);
    noPrivateField(copied.json);
    // deleting it follows the same before_doc_update rule
    const del = (headers: Record<string, string>) => http(users + local + '?rev=' + copied.json._rev, { method: 'DELETE', headers });
    expect((await del(as('mallory'))).status).toBe(404);
    const gone = await del({});
    expect(gone.status, gone.text).toBe(200);
    expect((await http(users + local)).status).toBe(404);
  });
});

describe('passwords are stored and checked as CouchDB 3.4 does (D2)', () => {
  it('stores PBKDF2-SHA256 with 600,000 iterations and a fresh salt', async () => {
    const doc = (await http(users + encodeURIComponent('org.couchdb.user:' + bob), { headers: admin() })).json;
    expect(doc).toMatchObject({ password_scheme: 'pbkdf2', pbkdf2_prf: 'sha256', iterations: 600000 });
    expect(doc.salt).toMatch(/^[0-9a-f]{32}$/);
    expect(doc.derived_key).toBe(pbkdf2Sync('pw-bob-1', doc.salt, 600000, 32, 'sha256').toString('hex'));
    expect(doc.password).toBeUndefined();
  });

  it("hashes the server admin's password the same way", async () => {
    const admins = await http(reg.origin + '/_node/_local/_config/admins', { headers: admin() });
    expect(admins.status).toBe(200);
    const name = decodeURIComponent(new URL(reg.adminUrl).username);
    expect(admins.json[name]).toMatch(/^-pbkdf2:sha256-[0-9a-f]{64},[0-9a-f]+,600000$/);
  });

  it('accepts the older schemes CouchDB accepts (PBKDF2-SHA1 without pbkdf2_prf, simple), and refuses wrong passwords', async () => {
    const salt = randomBytes(16).toString('hex');
    const legacy = uniqueUser('legacy');
    const simple = uniqueUser('simple');
    const put = async (name: string, fields: Record<string, unknown>) => {
      const r = await http(users + encodeURIComponent('org.couchdb.user:' + name), { method: 'PUT', json: { name, type: 'user', roles: [], salt, ...fields }, headers: admin() });
      expect(r.status, r.text).toBe(201);
    };
    await put(legacy, { password_scheme: 'pbkdf2', iterations: 10, derived_key: pbkdf2Sync('pw-legacy', salt, 10, 20, 'sha1').toString('hex') });
    await put(simple, { password_scheme: 'simple', password_sha: createHash('sha1').update('pw-simple' + salt).digest('hex') });
    for (const [name, pw] of [[legacy, 'pw-legacy'], [simple, 'pw-simple'], [bob, 'pw-bob-1']]) {
      const ok = await http(reg.origin + '/_session', { headers: basic(name, pw) });
      expect(ok.json?.userCtx?.name, name + ' ' + ok.text).toBe(name);
      // the second time comes from the password cache, which must still refuse a wrong password
      expect((await http(reg.origin + '/_session', { headers: basic(name, pw) })).json.userCtx.name).toBe(name);
      const wrong = await http(reg.origin + '/_session', { headers: basic(name, pw + 'x') });
      expect(wrong.status, name + ' ' + wrong.text).toBe(401);
    }
  });
});
