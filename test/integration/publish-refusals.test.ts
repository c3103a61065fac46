// Bad input and forbidden writes: each gets a 4xx whose `error` is a sentence, and leaves every
// stored document exactly as it was.
import { describe, it, expect, beforeAll } from 'vitest';
import { createRegistry, http, signedUp, uniqueUser, type TestRegistry } from '../support/registry';
import { publishBody, makeTarball, type PublishBody } from '../support/tarball';

const A = uniqueUser('alice');
const B = uniqueUser('bob');

describe('PUT /:pkg refuses bad input and forbidden writes', () => {
  let reg: TestRegistry;
  let alice: string;
  let bob: string;

  const put = (path: string, body: unknown, token?: string) =>
    http(reg.url + path, { method: 'PUT', json: body, headers: token ? { authorization: 'Bearer ' + token } : {} });
  const dbState = async () => {
    const all = await reg.couch.request('GET', reg.db + '/_all_docs', undefined, { qs: { include_docs: true } });
    return JSON.stringify(all.rows.filter((r: { id: string }) => !r.id.startsWith('_design/')).map((r: { doc: unknown }) => r.doc));
  };

  beforeAll(async () => {
    reg = await createRegistry('refusals', { maxBodyBytes: 64 * 1024 });
    const a = await signedUp(reg.url, 'alice', A);
    const b = await signedUp(reg.url, 'bob', B);
    alice = (a.token() as string);
    bob = (b.token() as string);
    expect((await put('owned', publishBody('owned', '1.0.0'), alice)).status).toBe(201);
  });

  const mutate = (f: (b: PublishBody) => void, name = 'fresh', version = '1.0.0'): PublishBody => {
    const b = publishBody(name, version);
    f(b);
    return b;
  };
  const att = (b: PublishBody) => Object.values(b._attachments)[0];
  const ver = (b: PublishBody) => Object.values(b.versions)[0];

  const cases: Array<{ label: string; path?: string; body: () => unknown; token?: () => string | undefined; status: number; error: RegExp }> = [
    { label: 'a tarball that does not match dist.integrity', body: () => mutate((b) => { att(b).data = makeTarball({ name: 'fresh', version: '1.0.0', x: 1 }).toString('base64'); att(b).length = Buffer.from(att(b).data, 'base64').length; }), status: 400, error: /does not match its dist\.integrity/ },
    { label: 'a tarball that does not match dist.shasum', body: () => mutate((b) => { delete ver(b).dist.integrity; ver(b).dist.shasum = '0'.repeat(40); }), status: 400, error: /does not match its dist\.shasum/ },
    { label: 'an attachment length that is wrong', body: () => mutate((b) => { att(b).length += 1; }), status: 400, error: /bytes long, but the request says/ },
    { label: 'a tarball that is not base64', body: () => mutate((b) => { att(b).data = '%%%not base64%%%'; }), status: 400, error: /not valid base64/ },
    { label: 'a body name that differs from the URL', path: 'other', body: () => publishBody('fresh', '1.0.0'), status: 400, error: /does not match the URL/ },
    { label: 'a package.json name that differs', body: () => mutate((b) => { ver(b).name = 'something-else'; }), status: 400, error: /The name in package\.json \(something-else\) does not match/ },
    { label: 'an invalid version', body: () => publishBody('fresh', '1.0'), status: 400, error: /not a valid semantic version/ },
    { label: 'an upper-case name', path: 'Fresh', body: () => publishBody('Fresh', '1.0.0'), status: 400, error: /capital letters/ },
    { label: 'a name starting with a dot', path: '.fresh', body: () => publishBody('.fresh', '1.0.0'), status: 400, error: /starts with "\."/ },
    { label: 'a name longer than 214 characters', path: 'x'.repeat(215), body: () => publishBody('x'.repeat(215), '1.0.0'), status: 400, error: /longer than 214/ },
    { label: 'two versions at once', body: () => mutate((b) => { b.versions['1.0.1'] = { ...ver(b), version: '1.0.1' }; }), status: 400, error: /exactly one version/ },
    { label: 'no tarball', body: () => mutate((b) => { b._attachments = {}; }), status: 400, error: /exactly one tarball/ },
    { label: 'a body over the size limit', body: () => publishBody('fresh', '1.0.0', { tarball: Buffer.alloc(80 * 1024, 7) }), status: 413, error: /accepts at most/ },
    { label: 'a body that is not JSON', body: () => 'not json at all', status: 400, error: /not a JSON object/ },
    { label: 'an anonymous publish', body: () => publishBody('fresh', '1.0.0'), token: () => undefined, status: 401, error: /must be logged in/ },
    { label: 'a publish to a package someone else maintains', path: 'owned', body: () => publishBody('owned', '2.0.0'), token: () => bob, status: 403, error: /You are not a maintainer of owned/ },
    { label: 'a republish of an existing version', path: 'owned', body: () => publishBody('owned', '1.0.0'), status: 403, error: /cannot publish over the previously published version 1\.0\.0/ },
  ];

  for (const c of cases) {
    it('refuses ' + c.label + ' with ' + c.status + ' and changes nothing', async () => {
      const before = await dbState();
      const token = c.token ? c.token() : alice;
      const r = await put(c.path || 'fresh', c.body(), token);
      expect(r.status).toBe(c.status);
      expect(r.json.error).toMatch(c.error);
      expect(r.json.error).toMatch(/^[A-Z].*[.)]$/);
      expect(await dbState()).toBe(before);
    });
  }

  it('validate_doc_update refuses a direct write that bypasses the update handler', async () => {
    const before = await dbState();
    const doc = await reg.couch.request('GET', reg.db + '/owned');
    const asBob = await http(reg.origin + '/' + reg.db + '/owned', { method: 'PUT', headers: { authorization: 'Bearer ' + bob }, json: { ...doc, description: 'hijacked' } });
    expect(asBob.status).toBe(403);
    expect(asBob.json.reason).toMatch(/Only maintainers of owned may change it/);
    const changed = JSON.parse(JSON.stringify(doc));
    changed.versions['1.0.0'].dependencies = { evil: '*' };
    const asAlice = await http(reg.origin + '/' + reg.db + '/owned', { method: 'PUT', headers: { authorization: 'Bearer ' + alice }, json: changed });
    expect(asAlice.status).toBe(403);
    expect(asAlice.json.reason).toMatch(/is published and cannot be changed/);
    const junk = await http(reg.origin + '/' + reg.db + '/junk', { method: 'PUT', headers: { authorization: 'Bearer ' + alice }, json: { hello: 'world' } });
    expect(junk.status).toBe(403);
    const anonymous = await http(reg.origin + '/' + reg.db + '/anon', { method: 'PUT', json: { _id: 'anon', name: 'anon' } });
    expect(anonymous.status).toBe(401);
    expect(await dbState()).toBe(before);
  });
});
