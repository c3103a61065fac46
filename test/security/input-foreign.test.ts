// Issue 16, "Also": foreign package urls. One with a character beyond Latin-1 made every GET of
// the package answer 500 (a Location header cannot carry it); one at 127.0.0.1 sent every client
// that installs it to services on its own machine. Urls are now stored percent-encoded, refused
// at loopback, private, link-local and unspecified addresses unless the operator allows them
// (setup --allow-private-foreign-urls), and a stored one is only redirected to when it is safe.
import { describe, it, expect, beforeAll } from 'vitest';
import { createRegistry, http, signedUp, storedDoc, uniqueUser, type TestRegistry } from '../support/registry';
import { encodeNonAscii, urlAddressProblem, urlProblem } from '../../src/shared/foreign';

describe('foreign urls: which addresses count as private', () => {
  const privateUrls = [
    'http://127.0.0.1:5984/_utils', 'http://127.1/', 'http://0x7f000001/', 'http://2130706433/', 'http://0177.0.0.1/',
    'http://0x7f.0.0.1/', 'http://127.0.0.1./', 'http://0.0.0.0/', 'http://0/', 'http://10.1.2.3/', 'http://172.16.0.1/',
    'http://172.31.255.255/', 'http://192.168.1.1/', 'http://169.254.169.254/latest/meta-data/', 'http://100.64.0.1/',
    'http://224.0.0.1/', 'http://255.255.255.255/', 'http://[::1]/', 'http://[::]/', 'http://[0:0:0:0:0:0:0:1]/',
    'http://[::ffff:127.0.0.1]/', 'http://[::ffff:7f00:1]/', 'http://[::ffff:192.168.0.1]/', 'http://[fe80::1]/',
    'http://[fc00::1]/', 'http://[fd12:3456::1]/', 'http://[fec0::1]/', 'http://[ff02::1]/', 'http://[64:ff9b::7f00:1]/',
    'http://[2002:7f00:1::]/', 'http://[::127.0.0.1]/', 'http://localhost:5984/', 'http://LOCALHOST/', 'http://localhost./',
    'http://admin.localhost/', 'http://printer.local/', 'http://couchdb:5984/', 'https://db.internal/',
  ];
  for (const url of privateUrls) {
    it('refuses ' + url, () => expect(urlAddressProblem(url)).toMatch(/points at .* which this registry does not send clients to/));
  }
  const broken = ['http://[fe80::1%25eth0]/', 'http://[::1::2]/', 'http://1.2.3.4.5/', 'http://256.1.1.1/', 'http://08.0.0.1/', 'http://example.0x10/'];
  for (const url of broken) it('refuses the unparseable host of ' + url, () => expect(urlAddressProblem(url)).toMatch(/not valid|not an IPv4 address/));
  const publicUrls = ['https://registry.npmjs.org/x', 'http://8.8.8.8/', 'http://172.32.0.1/', 'http://[2606:4700::1111]/', 'http://[::ffff:8.8.8.8]/', 'http://1.2.3.example/', 'http://a.example:8080/p?q#f'];
  for (const url of publicUrls) it('accepts ' + url, () => expect(urlAddressProblem(url)).toBeNull());

  it('refuses credentials, backslashes, spaces, control characters and bad ports in any url', () => {
    expect(urlProblem('http://user:pw@a.example/')).toMatch(/user name or password/);
    expect(urlProblem('http://a.example\\@127.0.0.1/')).toMatch(/backslash/);
    expect(urlProblem('http://a.example/a b')).toMatch(/spaces or control/);
    expect(urlProblem('http://a.example/\u0007')).toMatch(/spaces or control/);
    expect(urlProblem('http://a.example:99999/')).toMatch(/not a port/);
    expect(urlProblem('javascript://a.example/')).toMatch(/starts with http/);
    expect(urlProblem('http://%31%32%37.0.0.1/')).toMatch(/written in ASCII/);
  });

  it('percent-encodes what is beyond ASCII as UTF-8 and leaves the rest', () => {
    expect(encodeNonAscii('http://a.example/\u4e2d?q=%20')).toBe('http://a.example/%E4%B8%AD?q=%20');
    expect(encodeNonAscii('http://a.example/\ud83d\ude00')).toBe('http://a.example/%F0%9F%98%80');
    expect(encodeNonAscii('http://a.example/\ud800')).toBe('http://a.example/%EF%BF%BD');
    expect(urlProblem('http://a.example/\u4e2d')).toBe('A foreign package url must be written in ASCII: try http://a.example/%E4%B8%AD.');
  });
});

describe('foreign urls through the registry', () => {
  let reg: TestRegistry;
  let open: TestRegistry;
  let token: string;
  const user = uniqueUser('fiona');
  const put = (r: TestRegistry, name: string, url: string) =>
    http(r.url + name, { method: 'PUT', json: { name, maintainers: [{ name: user }], url }, headers: { authorization: 'Bearer ' + token } });
  const ids = new Map<TestRegistry, string>();
  const foreignDoc = (r: TestRegistry, name: string, url: string) => ({ _id: name, name, url, maintainers: [{ name: user }], time: {}, origin: ids.get(r) });

  /** Stores a document as an older registry (with no such checks) would have: validation off meanwhile. */
  async function storeAsBefore(r: TestRegistry, doc: Record<string, unknown>): Promise<void> {
    const ddoc = await r.couch.request('GET', r.db + '/_design/app');
    const vdu = ddoc.validate_doc_update;
    delete ddoc.validate_doc_update;
    const saved = await r.couch.request('PUT', r.db + '/_design/app', ddoc);
    try {
      await r.couch.request('PUT', r.db + '/' + encodeURIComponent(doc._id as string), doc);
    } finally {
      await r.couch.request('PUT', r.db + '/_design/app', { ...ddoc, _rev: saved.rev, validate_doc_update: vdu });
    }
  }

  beforeAll(async () => {
    reg = await createRegistry('input-foreign');
    open = await createRegistry('input-foreign-open', { allowPrivateForeignUrls: true });
    token = (await signedUp(reg.url, 'fiona', user)).token() as string;
    for (const r of [reg, open]) ids.set(r, (await r.couch.request('GET', r.db + '/_design/app')).registry.id);
  });

  it('stores a url with a character beyond Latin-1 percent-encoded, and GET redirects there', async () => {
    const r = await put(reg, 'far-away', 'http://a.example/\u4e2d');
    expect(r.status, r.text).toBe(201);
    expect((await storedDoc(reg, 'far-away')).url).toBe('http://a.example/%E4%B8%AD');
    const get = await http(reg.url + 'far-away');
    expect(get.status, get.text).toBe(302);
    expect(get.headers.get('location')).toBe('http://a.example/%E4%B8%AD');
  });

  it('refuses a host beyond ASCII with a sentence and stores nothing', async () => {
    const r = await put(reg, 'idn-host', 'http://\u4e2d.example/');
    expect(r.status, r.text).toBe(400);
    expect(r.json.error).toMatch(/The host of a foreign package url must be written in ASCII/);
    expect(await storedDoc(reg, 'idn-host')).toBeNull();
  });

  it('redirects to a url stored before, beyond Latin-1, percent-encoded instead of answering 500', async () => {
    await storeAsBefore(reg, foreignDoc(reg, 'old-far', 'http://a.example/\u4e2d/\u00e9'));
    const get = await http(reg.url + 'old-far');
    expect(get.status, get.text).toBe(302);
    expect(get.headers.get('location')).toBe('http://a.example/%E4%B8%AD/%C3%A9');
  });

  const privateCases = ['http://127.0.0.1:5984/_utils/', 'http://0x7f000001/', 'http://[::1]:5984/', 'http://localhost:5986/', 'http://169.254.169.254/'];
  for (const url of privateCases) {
    it('refuses a foreign package at ' + url + ' with a sentence, and stores nothing', async () => {
      const name = 'at-' + url.replace(/[^a-z0-9]+/gi, '-').replace(/-+$/, '').toLowerCase();
      const r = await put(reg, name, url);
      expect(r.status, r.text).toBe(400);
      expect(r.json.error).toMatch(/points at .* which this registry does not send clients to; an administrator can allow such addresses/);
      expect(await storedDoc(reg, name)).toBeNull();
    });
  }

  it('refuses a direct PUT of a foreign document at a loopback address (validate_doc_update)', async () => {
    const r = await http(reg.origin + '/' + reg.db + '/direct-loop', {
      method: 'PUT', json: foreignDoc(reg, 'direct-loop', 'http://127.0.0.1:5984/'), headers: { authorization: 'Bearer ' + token },
    });
    expect(r.status, r.text).toBe(403);
    expect(r.json.reason).toMatch(/points at a loopback address/);
    expect(await storedDoc(reg, 'direct-loop')).toBeNull();
  });

  it('refuses a direct PUT of a url beyond ASCII (validate_doc_update), and changing a good one to a private address', async () => {
    const r = await http(reg.origin + '/' + reg.db + '/direct-far', {
      method: 'PUT', json: foreignDoc(reg, 'direct-far', 'http://a.example/\u4e2d'), headers: { authorization: 'Bearer ' + token },
    });
    expect(r.status, r.text).toBe(403);
    expect(r.json.reason).toBe('A foreign package url must be written in ASCII: try http://a.example/%E4%B8%AD.');
    expect(await storedDoc(reg, 'direct-far')).toBeNull();
    const before = await storedDoc(reg, 'far-away');
    const moved = await put(reg, 'far-away', 'http://[::ffff:127.0.0.1]/');
    expect(moved.status).toBe(400);
    expect(await storedDoc(reg, 'far-away')).toEqual(before);
  });

  it('does not redirect to a private address stored before: 403 with a sentence', async () => {
    await storeAsBefore(reg, foreignDoc(reg, 'old-loop', 'http://127.0.0.1:5984/_config'));
    const get = await http(reg.url + 'old-loop');
    expect(get.status, get.text).toBe(403);
    expect(get.headers.get('location')).toBeNull();
    expect(get.json.error).toMatch(/old-loop is registered here as hosted elsewhere, but not at a url this registry redirects to/);
  });

  it('with --allow-private-foreign-urls the operator lets foreign packages point at such addresses', async () => {
    const ddoc = await open.couch.request('GET', open.db + '/_design/app');
    expect(ddoc.registry.allowPrivateForeignUrls).toBe(true);
    expect((await reg.couch.request('GET', reg.db + '/_design/app')).registry.allowPrivateForeignUrls).toBeUndefined();
    const r = await put(open, 'on-this-host', 'http://127.0.0.1:4873/on-this-host');
    expect(r.status, r.text).toBe(201);
    const get = await http(open.url + 'on-this-host');
    expect(get.status).toBe(302);
    expect(get.headers.get('location')).toBe('http://127.0.0.1:4873/on-this-host');
    const direct = await http(open.origin + '/' + open.db + '/direct-open', {
      method: 'PUT', json: foreignDoc(open, 'direct-open', 'http://[::1]/'), headers: { authorization: 'Bearer ' + token },
    });
    expect(direct.status, direct.text).toBe(201);
  });
});
