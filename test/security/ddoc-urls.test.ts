// Issue 16, D6: tarball URLs are built from the request only out of a scheme of http or https and
// a well-formed host, and a response whose body depends on the request's host says so: it is
// `Cache-Control: private` and varies on Host and X-Forwarded-Host/-Proto, so a shared cache never
// hands one host's packument to another. CouchDB computes a show's ETag itself, before the show
// runs, from the design document, the document, Accept and the caller's roles (chttpd_show), so
// the ETag cannot follow the host; with --public-url the body does not depend on it either, and
// the response may be cached by anyone.
import { describe, it, expect, beforeAll } from 'vitest';
import { request } from 'node:http';
import { createRegistry, http, signedUp, uniqueUser, type TestRegistry } from '../support/registry';
import { publishBody } from '../support/tarball';
import { setupDatabase, setupServer } from '../../src/couch/setup';

const A = uniqueUser('alice');

/** A GET with headers fetch() will not send as given (Host among them). */
function rawGet(url: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; json: any; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: { accept: 'application/json', ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let json: unknown;
        try { json = JSON.parse(text); } catch { json = undefined; }
        resolve({ status: res.statusCode || 0, headers: res.headers, json, text });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('tarball URLs from request headers (D6)', () => {
  let reg: TestRegistry;
  let fixed: TestRegistry;
  let path: string;
  const hostOf = (r: TestRegistry) => new URL(r.origin).host;
  const tarball = (r: { json: any }) => r.json.versions['1.0.0'].dist.tarball as string;

  beforeAll(async () => {
    reg = await createRegistry('ddoc-urls');
    fixed = await createRegistry('ddoc-urls-fixed', { publicUrl: 'https://npm.example.com/' });
    const token = (await signedUp(reg.url, 'alice', A)).token() as string;
    for (const r of [reg, fixed]) {
      const url = r.origin + '/' + r.db + '/_design/app/_rewrite/hosty';
      const put = await http(url, { method: 'PUT', headers: { authorization: 'Bearer ' + token }, json: publishBody('hosty', '1.0.0') });
      expect(put.status, put.text).toBe(201);
    }
    path = '/' + reg.db + '/_design/app/_rewrite/';
  });

  const hostile: Array<[string, Record<string, string>]> = [
    ['X-Forwarded-Proto: javascript', { 'x-forwarded-proto': 'javascript' }],
    ['X-Forwarded-Proto: data', { 'x-forwarded-proto': 'data' }],
    ['X-Forwarded-Host with markup', { 'x-forwarded-host': 'evil.example/"><x' }],
    ['X-Forwarded-Host with a path and credentials', { 'x-forwarded-host': 'user:pw@evil.example/a' }],
    ['X-Forwarded-Host with a port past 65535', { 'x-forwarded-host': 'evil.example:99999' }],
    ['Host with markup', { host: 'evil.example"><x' }],
  ];
  for (const [label, headers] of hostile) {
    it('ignores ' + label + ': the tarball URL is a plain http URL on a real host', async () => {
      const r = await rawGet(reg.origin + path + 'hosty', headers);
      if (headers.host && r.status === 400) {
        // CouchDB's HTTP server may refuse such a Host itself, before the registry sees it.
        expect(r.text).not.toContain('evil.example');
        return;
      }
      expect(r.status, r.text).toBe(200);
      const url = new URL(tarball(r));
      expect(url.protocol).toBe('http:');
      expect(url.host).not.toContain('evil');
      expect(tarball(r)).not.toMatch(/["<>]/);
      expect(tarball(r).endsWith('hosty/-/hosty-1.0.0.tgz')).toBe(true);
    });
  }

  it('follows a well-formed X-Forwarded-Host/-Proto, and marks the answer private and varying on them', async () => {
    for (const p of ['hosty', 'hosty/1.0.0']) {
      const r = await rawGet(reg.origin + path + p, { 'x-forwarded-host': 'mirror.example:8443', 'x-forwarded-proto': 'HTTPS' });
      expect(r.status, r.text).toBe(200);
      const url = p === 'hosty' ? tarball(r) : r.json.dist.tarball;
      expect(url).toBe('https://mirror.example:8443' + path + 'hosty/-/hosty-1.0.0.tgz');
      expect(String(r.headers['cache-control'])).toMatch(/\bprivate\b/);
      const vary = String(r.headers.vary).split(/\s*,\s*/).map((v) => v.toLowerCase());
      for (const h of ['accept', 'host', 'x-forwarded-host', 'x-forwarded-proto']) expect(vary, String(r.headers.vary)).toContain(h);
    }
  });

  it('uses the Host header when nothing is forwarded', async () => {
    const r = await rawGet(reg.origin + path + 'hosty', { host: 'LocalHost:' + new URL(reg.origin).port });
    expect(r.status, r.text).toBe(200);
    expect(tarball(r)).toBe('http://localhost:' + new URL(reg.origin).port + path + 'hosty/-/hosty-1.0.0.tgz');
  });

  it('search results follow the same rules: links on a real host, private when they depend on the request', async () => {
    /** Follows the search's redirects by hand, always back to this server (Location names the forwarded host). */
    const search = async (headers: Record<string, string>) => {
      let url = reg.origin + path + '-/v1/search?text=hosty';
      for (let hop = 0; hop < 5; hop++) {
        const r = await rawGet(url, headers);
        if (r.status !== 302) return r;
        const next = new URL(String(r.headers.location));
        expect(next.host, 'a redirect to ' + next.href).not.toContain('evil');
        url = reg.origin + next.pathname + next.search;
      }
      throw new Error('too many redirects');
    };
    const hostile = await search({ 'x-forwarded-host': 'evil.example/"><x', 'x-forwarded-proto': 'javascript' });
    expect(hostile.status, hostile.text).toBe(200);
    expect(hostile.json.objects[0].package.links.npm).toBe(reg.origin + path + 'hosty');
    const forwarded = await search({ 'x-forwarded-host': 'mirror.example' });
    expect(forwarded.json.objects[0].package.links.npm).toBe('http://mirror.example' + path + 'hosty');
    expect(String(forwarded.headers['cache-control'])).toMatch(/\bprivate\b/);
  });

  it('with --public-url, no header changes the body, so it may be cached by anyone', async () => {
    const fixedPath = fixed.origin + '/' + fixed.db + '/_design/app/_rewrite/hosty';
    const plain = await rawGet(fixedPath, {});
    const forwarded = await rawGet(fixedPath, { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'http', host: 'other.example:' + new URL(fixed.origin).port });
    expect(tarball(plain)).toBe('https://npm.example.com/hosty/-/hosty-1.0.0.tgz');
    expect(forwarded.text).toBe(plain.text);
    expect(String(plain.headers['cache-control'])).not.toMatch(/private/);
    expect(String(plain.headers.vary).toLowerCase()).not.toContain('host');
    // The ETag then stands for the whole body: one for every host, and a 304 for any of them is right.
    expect(forwarded.headers.etag).toBe(plain.headers.etag);
    expect(hostOf(fixed)).not.toBe('');
  });

  it('setup refuses a --public-url that is not a plain http(s) URL', async () => {
    const server = await setupServer(reg.couch, () => undefined);
    for (const bad of ['javascript://evil.example/', 'https://evil.example/"><x/', 'https://npm.example.com/?q=1', 'https://user:pw@npm.example.com/', 'npm.example.com']) {
      await expect(setupDatabase(reg.couch, server, { db: reg.db, publicUrl: bad }, () => undefined)).rejects.toThrow(/--public-url/);
    }
    expect((await reg.couch.request('GET', reg.db + '/_design/app')).registry.publicUrl).toBeUndefined();
  });
});
