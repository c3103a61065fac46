// `npm search` (docs/npm-protocol.md §14): GET /-/v1/search, served by the `search` view and its two lists.
// Packages are published over HTTP with the body npm sends; searches go through the real npm
// client and through plain HTTP for what npm does not show (order, paging, total, redirects).
import { describe, it, expect, beforeAll } from 'vitest';
import { createRegistry, http, type TestRegistry } from '../support/registry';
import { NpmUser } from '../../src/npm/client';
import { publishBody } from '../support/tarball';

const segment = (name: string) => name.replace('/', '%2f');

interface Fixture {
  name: string;
  version?: string;
  description?: string;
  keywords?: string[];
  by: 'alice' | 'bob';
}

const PACKAGES: Fixture[] = [
  { name: 'express', version: '1.0.0', description: 'Old express description', keywords: ['framework'], by: 'alice' },
  { name: 'express', version: '1.1.0', description: 'Fast, unopinionated, minimalist web framework', keywords: ['framework', 'web', 'router'], by: 'alice' },
  { name: 'express-session', description: 'Simple session middleware for Express', keywords: ['session', 'middleware'], by: 'alice' },
  { name: 'expressive-router', description: 'A router that speaks its mind', keywords: ['router'], by: 'alice' },
  { name: 'koa', description: 'Expressive middleware for node.js using async functions', keywords: ['web', 'framework', 'middleware'], by: 'alice' },
  { name: '@web/router', description: 'Router for web components', keywords: ['router', 'routing'], by: 'alice' },
  { name: 'left-pad', description: 'String left pad', keywords: ['pad', 'string'], by: 'alice' },
  { name: 'lodash.merge', description: 'The Lodash method _.merge exported as a module', keywords: ['lodash-modularized', 'merge'], by: 'alice' },
  { name: '@sc/bar', description: 'bar utilities for express apps', by: 'bob' },
  { name: 'router-kit', description: 'kit of routing tools', keywords: ['Express', 'Routing'], by: 'bob' },
  { name: 'zebra', description: 'Nothing to see here', by: 'bob' },
  { name: '2048-game', description: 'The sliding tile puzzle', by: 'bob' },
];

describe('npm search (GET /-/v1/search)', () => {
  let reg: TestRegistry;
  let searcher: NpmUser;
  const tokens: Record<string, string> = {};
  const search = (query: string) => http(reg.url + '-/v1/search?' + query);
  /** GET, and follow redirects the way npm does (each Location must be absolute); at most three requests. */
  const searchFollowing = async (query: string) => {
    let r = await search(query);
    for (let hop = 0; hop < 2 && r.status === 302; hop++) r = await http(r.headers.get('location') as string);
    expect(r.status).not.toBe(302);
    return r;
  };
  const names = (r: { json: any }) => r.json.objects.map((o: any) => o.package.name);

  beforeAll(async () => {
    reg = await createRegistry('search');
    for (const [user, email] of [['alice', 'alice@example.com'], ['bob', 'bob@example.com']]) {
      const u = new NpmUser(reg.url, user);
      expect((await u.adduser(user, 'pw-' + user + '-1', email)).code).toBe(0);
      tokens[user] = (u.token() as string);
    }
    for (const p of PACKAGES) {
      const body = publishBody(p.name, p.version || '1.0.0');
      const manifest = Object.values(body.versions)[0];
      manifest.description = p.description;
      if (p.keywords) manifest.keywords = p.keywords;
      const r = await http(reg.url + segment(p.name), { method: 'PUT', json: body, headers: { authorization: 'Bearer ' + tokens[p.by] } });
      expect({ name: p.name, status: r.status }).toEqual({ name: p.name, status: 201 });
    }
    // A foreign package is left out of search: its metadata lives at the other registry.
    const foreign = { name: 'ext-router', maintainers: [{ name: 'alice' }], description: 'router hosted elsewhere', url: 'http://other.example/ext-router' };
    expect((await http(reg.url + 'ext-router', { method: 'PUT', json: foreign, headers: { authorization: 'Bearer ' + tokens.alice } })).status).toBe(201);
    searcher = new NpmUser(reg.url, 'searcher');
  });

  it('GET /-/v1/search?text=TERM ranks the exact name first, then name parts, prefixes, keywords, descriptions', async () => {
    const r = await searchFollowing('text=express&size=20&from=0&quality=0.65&popularity=0.98&maintenance=0.5');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    expect(names(r)).toEqual(['express', 'express-session', 'expressive-router', 'router-kit', '@sc/bar']);
    expect(r.json.total).toBe(5);
    expect(new Date(r.json.time).toString()).not.toBe('Invalid Date');
  });

  it('GET /-/v1/search describes the latest version with maintainers and publisher by username', async () => {
    const r = await searchFollowing('text=express');
    const doc = (await http(reg.url + 'express')).json;
    expect(r.json.objects[0]).toEqual({
      package: {
        name: 'express', scope: 'unscoped', version: '1.1.0', description: 'Fast, unopinionated, minimalist web framework',
        keywords: ['framework', 'web', 'router'], date: doc.time.modified, links: { npm: reg.url + 'express' },
        publisher: { username: 'alice', email: 'alice@example.com' }, maintainers: [{ username: 'alice', email: 'alice@example.com' }],
      },
      score: { final: 1, detail: { quality: 0, popularity: 0, maintenance: 0 } },
      searchScore: expect.any(Number),
    });
    const scoped = (await searchFollowing('text=bar')).json.objects.find((o: any) => o.package.name === '@sc/bar');
    expect(scoped.package).toMatchObject({ scope: 'sc', links: { npm: reg.url + '@sc%2fbar' }, maintainers: [{ username: 'bob' }] });
    expect(JSON.stringify(r.json)).not.toMatch(/"maintainers":\[\{"name"/);
  });

  it('GET /-/v1/search counts the matches, then redirects to a page that reads only its own rows', async () => {
    const first = await search('text=express&size=2&from=1');
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe(reg.url + '-/v1/search/express/page?text=express&size=2&from=1&total=5&best=0&skip=1&limit=2');
    const page = await http(first.headers.get('location') as string);
    expect(names(page)).toEqual(['express-session', 'expressive-router']);
    expect(page.json.total).toBe(5);
    // Past the end, or nothing to show: the count answers by itself.
    const past = await search('text=express&from=5');
    expect({ status: past.status, objects: past.json.objects, total: past.json.total }).toEqual({ status: 200, objects: [], total: 5 });
  });

  it('GET /-/v1/search/:term/page without a count reads every row and counts them itself', async () => {
    const r = await http(reg.url + '-/v1/search/express/page?text=express&size=2&from=1');
    expect(r.status).toBe(200);
    expect(names(r)).toEqual(['express-session', 'expressive-router']);
    expect(r.json.total).toBe(5);
  });

  it('GET /-/v1/search finds names by prefix', async () => {
    const r = await searchFollowing('text=expr');
    expect(names(r)).toEqual(['express', 'express-session', 'expressive-router']);
  });

  it('GET /-/v1/search with several words counts them all, then reads the rarest word\'s rows, requiring every word', async () => {
    const first = await search('text=express+router&size=20&from=0');
    expect(first.status).toBe(302);
    const keys = ['express', 'router'].flatMap((t) => [0, 1, 2, 3, 4].map((m) => [t, m]));
    expect(first.headers.get('location')).toBe(reg.url + '-/v1/search/-/terms?keys=' + encodeURIComponent(JSON.stringify(keys)) + '&text=express%20router&size=20&from=0');
    const second = await http(first.headers.get('location') as string);
    expect(second.status).toBe(302);
    // router: 4 packages, express: 5.
    expect(second.headers.get('location')).toBe(reg.url + '-/v1/search/router/page?text=express%20router&size=20&from=0');
    const r = await http(second.headers.get('location') as string);
    expect(r.status).toBe(200);
    expect(names(r)).toEqual(['express', 'expressive-router', 'router-kit']);
    expect(r.json.total).toBe(3);
  });

  it('GET /-/v1/search/-/terms without its words\' keys redirects to the URL with them, reading nothing', async () => {
    const r = await http(reg.url + '-/v1/search/-/terms?text=express+router');
    expect(r.status).toBe(302);
    const keys = ['express', 'router'].flatMap((t) => [0, 1, 2, 3, 4].map((m) => [t, m]));
    expect(r.headers.get('location')).toBe(reg.url + '-/v1/search/-/terms?keys=' + encodeURIComponent(JSON.stringify(keys)) + '&text=express%20router&size=20&from=0');
  });

  it('GET /-/v1/search with a word nothing matches ends at the counts of the words', async () => {
    const first = await search('text=express+nosuchword');
    const second = await http(first.headers.get('location') as string);
    expect({ status: second.status, objects: second.json.objects, total: second.json.total }).toEqual({ status: 200, objects: [], total: 0 });
  });

  it('GET /-/v1/search with capitals redirects to the lowercase term', async () => {
    const first = await search('text=EXPRESS&size=2');
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe(reg.url + '-/v1/search/express?text=EXPRESS&size=2&from=0');
    expect(names(await searchFollowing('text=EXPRESS&size=2'))).toEqual(['express', 'express-session']);
  });

  it('GET /-/v1/search for a scoped name puts that package first', async () => {
    const r = await searchFollowing('text=' + encodeURIComponent('@web/router'));
    expect(names(r)[0]).toBe('@web/router');
    expect(names(r)).toEqual(['@web/router', 'express']);
  });

  it('GET /-/v1/search ignores stopwords next to real words, and leaves out foreign packages', async () => {
    expect(names(await searchFollowing('text=the+lodash'))).toEqual(['lodash.merge']);
    expect((await search('text=elsewhere')).json).toMatchObject({ objects: [], total: 0 });
    expect(names(await searchFollowing('text=router'))).not.toContain('ext-router');
  });

  it('GET /-/v1/search with an empty or missing text answers an empty result', async () => {
    for (const query of ['text=', 'text=+++', '']) {
      const r = await searchFollowing(query);
      expect({ query, status: r.status, objects: r.json.objects, total: r.json.total }).toEqual({ query, status: 200, objects: [], total: 0 });
    }
  });

  it('GET /-/v1/search treats a number as a word, not as JSON', async () => {
    const r = await searchFollowing('text=2048');
    expect(r.status).toBe(200);
    expect(names(r)).toEqual(['2048-game']);
  });

  it('GET /-/v1/search/:term counts a normalised term and redirects to its page', async () => {
    const first = await http(reg.url + '-/v1/search/middleware?text=middleware');
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toBe(reg.url + '-/v1/search/middleware/page?text=middleware&size=20&from=0&total=2&best=3&skip=0&limit=20');
    const r = await http(first.headers.get('location') as string);
    expect(names(r)).toEqual(['express-session', 'koa']);
  });

  it('GET /-/v1/search sees a new publish', async () => {
    const body = publishBody('zebra', '2.0.0');
    Object.values(body.versions)[0].description = 'Now a striped plugin';
    expect((await http(reg.url + 'zebra', { method: 'PUT', json: body, headers: { authorization: 'Bearer ' + tokens.bob } })).status).toBe(201);
    const r = await searchFollowing('text=plugin');
    expect(r.json.objects.map((o: any) => o.package.name + '@' + o.package.version)).toEqual(['zebra@2.0.0']);
    expect(names(await searchFollowing('text=nothing'))).toEqual([]);
  });

  it('npm search TEXT prints each match the way npm renders it, best first', async () => {
    const r = await searcher.run(['search', 'express']);
    expect(r.code).toBe(0);
    const today = new Date().toISOString().slice(0, 10);
    expect(r.stdout).toContain([
      'express',
      'Fast, unopinionated, minimalist web framework',
      'Version 1.1.0 published ' + today + ' by alice',
      'Maintainers: alice',
      'Keywords: framework web router',
      'https://npm.im/express',
    ].join('\n'));
    const order = ['https://npm.im/express\n', 'https://npm.im/express-session', 'https://npm.im/expressive-router', 'https://npm.im/router-kit', 'https://npm.im/@sc/bar'];
    const at = order.map((line) => r.stdout.indexOf(line));
    expect(at.every((i) => i >= 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('npm search --json TEXT prints the package objects', async () => {
    const r = await searcher.run(['search', '--json', 'express']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout);
    expect(list.map((p: any) => p.name)).toEqual(['express', 'express-session', 'expressive-router', 'router-kit', '@sc/bar']);
    expect(list[0].maintainers).toEqual([{ username: 'alice', email: 'alice@example.com' }]);
    expect(list[4].maintainers).toEqual([{ username: 'bob', email: 'bob@example.com' }]);
  });

  it('npm search with several words and mixed case follows the redirect', async () => {
    const r = await searcher.run(['search', '--json', 'Express', 'ROUTER']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((p: any) => p.name)).toEqual(['express', 'expressive-router', 'router-kit']);
  });

  it('npm search --searchlimit sets the page size', async () => {
    const r = await searcher.run(['search', '--json', '--searchlimit', '2', 'express']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).map((p: any) => p.name)).toEqual(['express', 'express-session']);
  });

  it('npm search for a term nothing matches says so', async () => {
    const r = await searcher.run(['search', 'nosuchthingatall']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No matches found for "nosuchthingatall"');
    const json = await searcher.run(['search', '--json', 'nosuchthingatall']);
    expect(JSON.parse(json.stdout)).toEqual([]);
  });
});
