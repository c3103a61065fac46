import { describe, it, expect, beforeAll } from 'vitest';
import { createRegistry, http, type TestRegistry } from '../support/registry';
import { NpmUser } from '../../src/npm/client';

describe('the route table served by CouchDB', () => {
  let reg: TestRegistry;
  beforeAll(async () => {
    reg = await createRegistry('routes');
    // A package document written by an admin, as replication would bring it.
    await reg.couch.request('PUT', reg.db + '/hello', {
      _id: 'hello', name: 'hello', 'dist-tags': { latest: '1.0.0' }, maintainers: [{ name: 'someone' }],
      versions: { '1.0.0': { name: 'hello', version: '1.0.0', dist: { tarball: 'hello/-/hello-1.0.0.tgz' } } },
      time: { created: '2026-01-01T00:00:00.000Z', modified: '2026-01-01T00:00:00.000Z', '1.0.0': '2026-01-01T00:00:00.000Z' },
    });
  });

  it('GET /-/ping answers 200 {} and npm ping succeeds', async () => {
    const r = await http(reg.url + '-/ping');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({});
    const npm = await new NpmUser(reg.url).run(['ping']);
    expect(npm.output).toMatch(/PONG/);
    expect(npm.code).toBe(0);
  });

  it('GET /:pkg serves a stored package with _id, _rev and tarball URLs under the registry URL', async () => {
    const r = await http(reg.url + 'hello', { headers: { accept: 'application/json' } });
    expect(r.status).toBe(200);
    expect(r.json._id).toBe('hello');
    expect(r.json._rev).toMatch(/^1-/);
    expect(r.json.versions['1.0.0'].dist.tarball).toBe(reg.url + 'hello/-/hello-1.0.0.tgz');
    expect(r.headers.get('content-type')).toMatch(/application\/json/);
  });

  it('GET /:pkg follows X-Forwarded-Host and -Proto for tarball URLs', async () => {
    const r = await http(reg.url + 'hello', { headers: { 'x-forwarded-host': 'registry.example.com', 'x-forwarded-proto': 'https' } });
    expect(r.json.versions['1.0.0'].dist.tarball).toBe('https://registry.example.com/' + reg.db + '/_design/app/_rewrite/hello/-/hello-1.0.0.tgz');
  });

  it('GET /:pkg of an unknown package is a 404 whose error is a sentence', async () => {
    const r = await http(reg.url + 'nosuch-package');
    expect(r.status).toBe(404);
    expect(r.json.error).toBe('The package nosuch-package is not in this registry.');
  });
});

describe('a registry set up with --public-url', () => {
  it('builds tarball URLs from the public URL, whatever host the request used', async () => {
    const reg = await createRegistry('public-url', { publicUrl: 'https://npm.example.org/' });
    await reg.couch.request('PUT', reg.db + '/hello', {
      _id: 'hello', name: 'hello', 'dist-tags': { latest: '1.0.0' }, maintainers: [{ name: 'someone' }],
      versions: { '1.0.0': { name: 'hello', version: '1.0.0', dist: { tarball: 'hello/-/hello-1.0.0.tgz' } } },
    });
    const r = await http(reg.origin + '/' + reg.db + '/_design/app/_rewrite/hello', { headers: { 'x-forwarded-host': 'elsewhere.example' } });
    expect(r.json.versions['1.0.0'].dist.tarball).toBe('https://npm.example.org/hello/-/hello-1.0.0.tgz');
    expect(reg.url).toBe('https://npm.example.org/');
  });
});
