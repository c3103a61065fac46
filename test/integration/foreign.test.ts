// Foreign packages (CommonJS registry design): a name registered here whose metadata lives at
// another URL. Here "elsewhere" is a second registry database on the same backend.
import { describe, it, expect, beforeAll } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRegistry, http, signedUp, uniqueUser, type TestRegistry } from '../support/registry';
import { publishBody } from '../support/tarball';
import { NpmUser, makeProject } from '../../src/npm/client';

const A = uniqueUser('alice');
const B = uniqueUser('bob');

describe('foreign packages', () => {
  let here: TestRegistry;
  let elsewhere: TestRegistry;
  let alice: NpmUser;
  let bob: NpmUser;
  const put = (path: string, body: unknown, token: string) => http(here.url + path, { method: 'PUT', json: body, headers: { authorization: 'Bearer ' + token } });

  beforeAll(async () => {
    // "Elsewhere" is on this machine: the operator allows foreign urls at loopback addresses.
    here = await createRegistry('foreign-here', { allowPrivateForeignUrls: true });
    elsewhere = await createRegistry('foreign-elsewhere');
    alice = await signedUp(here.url, 'alice', A);
    bob = await signedUp(here.url, 'bob', B);
    // The package itself is published to the other registry (the same _users, so alice's token works there).
    expect((await http(elsewhere.url + 'ext', { method: 'PUT', json: publishBody('ext', '3.1.4'), headers: { authorization: 'Bearer ' + (alice.token() as string) } })).status).toBe(201);
    expect((await put('plain', publishBody('plain', '1.0.0'), (alice.token() as string))).status).toBe(201);
  });

  it('PUT /NAME {name, maintainers, url} registers a foreign package and GET /NAME redirects to it', async () => {
    const r = await put('ext', { name: 'ext', maintainers: [{ name: A }], description: 'lives elsewhere', keywords: ['x'], url: elsewhere.url + 'ext' }, (alice.token() as string));
    expect(r.status).toBe(201);
    const get = await http(here.url + 'ext');
    expect(get.status).toBe(302);
    expect(get.headers.get('location')).toBe(elsewhere.url + 'ext');
  });

  it('npm install follows the redirect and installs from the other registry', async () => {
    const proj = makeProject(bob.home, { ext: '^3.0.0' });
    bob.freshCache();
    const r = await bob.run(['install'], { cwd: proj });
    expect(r.code).toBe(0);
    const lock = JSON.parse(readFileSync(join(proj, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/ext'].version).toBe('3.1.4');
    expect(lock.packages['node_modules/ext'].resolved).toBe(elsewhere.url + 'ext/-/ext-3.1.4.tgz');
  });

  it('only its maintainers may change it', async () => {
    const r = await put('ext', { name: 'ext', maintainers: [{ name: B }], url: 'http://evil.example/ext' }, (bob.token() as string));
    expect(r.status).toBe(403);
    expect(r.json.error).toMatch(/not a maintainer of ext/);
    expect((await http(here.url + 'ext')).headers.get('location')).toBe(elsewhere.url + 'ext');
    const moved = await put('ext', { name: 'ext', maintainers: [{ name: A }], url: elsewhere.url + 'ext?moved' }, (alice.token() as string));
    expect(moved.status).toBe(201);
  });

  it('a foreign package cannot receive versions, and a published one cannot become foreign', async () => {
    const publish = await put('ext', publishBody('ext', '9.0.0'), (alice.token() as string));
    expect(publish.status).toBe(403);
    expect(publish.json.error).toMatch(/hosted elsewhere/);
    const convert = await put('plain', { name: 'plain', maintainers: [{ name: A }], url: 'http://example.com/plain' }, (alice.token() as string));
    expect(convert.status).toBe(403);
    expect(convert.json.error).toMatch(/cannot be turned into a foreign package/);
    expect((await http(here.url + 'plain')).status).toBe(200);
  });

  it('a registration needs a URL and maintainers', async () => {
    expect((await put('nourl', { name: 'nourl', maintainers: [{ name: A }], url: 'ftp://x' }, (alice.token() as string))).json.error).toMatch(/http:\/\/ or https:\/\//);
    expect((await put('nomaint', { name: 'nomaint', url: 'http://example.com/x' }, (alice.token() as string))).json.error).toMatch(/list of maintainers/);
    expect((await http(here.url + 'nomaint')).status).toBe(404);
  });
});
