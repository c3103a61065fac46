import { describe, it, expect } from 'vitest';
import {
  EXACT_BONUS, LIMITS, Match, WEIGHTS, matchRow, packageTerms, planSearch, queryTerms, resultPackage, searchResult,
  searchRows, searchSummary, words, type SearchMatch, type SearchPlan, type SearchSummary,
} from '../../src/shared/search';
import type { PackageDoc } from '../../src/shared/packument';

function doc(name: string, fields: Partial<PackageDoc> & { latest?: Record<string, unknown> } = {}): PackageDoc {
  const { latest, ...rest } = fields;
  return {
    _id: name,
    _rev: '1-x',
    name,
    'dist-tags': { latest: '1.0.0' },
    versions: { '1.0.0': { name, version: '1.0.0', dist: { tarball: name + '/-/' + name + '-1.0.0.tgz' }, _npmUser: { name: 'alice', email: 'alice@example.com' }, ...latest } },
    time: { created: '2026-01-01T00:00:00.000Z', modified: '2026-01-02T00:00:00.000Z', '1.0.0': '2026-01-01T00:00:00.000Z' },
    maintainers: [{ name: 'alice', email: 'alice@example.com' }],
    ...rest,
  };
}

const summary = (name: string, fields: Partial<SearchSummary> = {}): SearchSummary => ({ name, version: '1.0.0', maintainers: [{ username: 'alice' }], ...fields });

describe('search: words (how text becomes terms)', () => {
  const cases: Array<[string, string[]]> = [
    ['express', ['express']],
    ['Express', ['express']],
    ['  express   router ', ['express', 'router']],
    ['@sc/bar', ['sc', 'bar']],
    ['lodash.merge', ['lodash', 'merge']],
    ['foo_bar-baz', ['foo', 'bar', 'baz']],
    ['node.js, "quoted" (and) so-on!', ['node', 'js', 'quoted', 'and', 'so', 'on']],
    ['d3 v8 es2015', ['d3', 'v8', 'es2015']],
    ['Café au lait', ['café', 'au', 'lait']],
    ['日本語\u3000テスト', ['日本語', 'テスト']],
    ['a\u2014b\u00a0c', ['a', 'b', 'c']],
    ['x'.repeat(LIMITS.termLength + 1) + ' y', ['y']],
    ['', []],
    ['-./@', []],
  ];
  for (const [text, expected] of cases) it(JSON.stringify(text) + ' → ' + JSON.stringify(expected), () => expect(words(text)).toEqual(expected));
});

describe('search: packageTerms (what the view indexes, with the best match per term)', () => {
  const terms = (s: Partial<SearchSummary> & { name: string }) => Object.fromEntries(packageTerms(s));

  it('indexes a one-word name whole, as a name part, and by its prefixes of two letters or more', () => {
    expect(terms({ name: 'express' })).toEqual({
      express: Match.FullName, ex: Match.NamePrefix, exp: Match.NamePrefix, expr: Match.NamePrefix, expre: Match.NamePrefix, expres: Match.NamePrefix,
    });
  });

  it('splits scoped and punctuated names into parts; the whole name is no term', () => {
    const t = terms({ name: '@sc/bar-baz' });
    expect(t).toMatchObject({ sc: Match.NamePart, bar: Match.NamePart, baz: Match.NamePart, ba: Match.NamePrefix });
    expect(t['@sc/bar-baz']).toBeUndefined();
    expect(terms({ name: 'lodash.merge' })).toMatchObject({ lodash: Match.NamePart, merge: Match.NamePart, lod: Match.NamePrefix });
  });

  it('stops prefixes at ' + LIMITS.maxPrefix + ' letters', () => {
    const t = terms({ name: 'abcdefghijklmnopqrstuvwxyz' });
    expect(t['abcdefghijklmno']).toBe(Match.NamePrefix);
    expect(t['abcdefghijklmnop']).toBeUndefined();
  });

  it('indexes each keyword by its lowercase words, and description words without stopwords', () => {
    expect(terms({ name: 'k', keywords: ['Web Framework', 'http-server'], description: 'The fast, small server for the web' })).toEqual({
      k: Match.FullName, web: Match.Keyword, framework: Match.Keyword, http: Match.Keyword, server: Match.Keyword, fast: Match.Description, small: Match.Description,
    });
  });

  it('keeps the best match when a term appears in several places', () => {
    const t = terms({ name: 'router', keywords: ['router', 'routing'], description: 'router routing route' });
    expect(t).toMatchObject({ router: Match.FullName, routing: Match.Keyword, route: Match.NamePrefix });
  });

  it('indexes at most ' + LIMITS.descriptionTerms + ' description words', () => {
    const description = Array.from({ length: 40 }, (_, i) => 'word' + i).join(' ');
    const t = terms({ name: 'z', description });
    expect(Object.keys(t).length).toBe(1 + LIMITS.descriptionTerms);
    expect(t.word23).toBe(Match.Description);
    expect(t.word24).toBeUndefined();
  });

  it('finds an old mixed-case name by its lowercase form', () => {
    expect(terms({ name: 'JSONStream' })).toMatchObject({ jsonstream: Match.FullName, json: Match.NamePrefix });
  });

  it('never cuts a prefix inside a surrogate pair', () => {
    const t = terms({ name: 'a\u{1F600}b' });
    for (const term of Object.keys(t)) expect(/[\ud800-\udbff]$/.test(term)).toBe(false);
  });
});

describe('search: searchSummary (the value of every row)', () => {
  it('summarises the latest version with npm\'s field names: maintainers and publisher by username', () => {
    const d = doc('foo', { description: 'top description', keywords: ['a', 'b'] });
    expect(searchSummary(d)).toEqual({
      name: 'foo', version: '1.0.0', description: 'top description', keywords: ['a', 'b'], date: '2026-01-02T00:00:00.000Z',
      publisher: { username: 'alice', email: 'alice@example.com' }, maintainers: [{ username: 'alice', email: 'alice@example.com' }],
    });
  });

  it('falls back to the latest manifest for description and keywords, and to the version time for date', () => {
    const d = doc('foo', { latest: { description: 'from manifest', keywords: 'one, two three' }, time: { '1.0.0': '2026-03-01T00:00:00.000Z' } });
    expect(searchSummary(d)).toMatchObject({ description: 'from manifest', keywords: ['one', 'two', 'three'], date: '2026-03-01T00:00:00.000Z' });
  });

  it('truncates the description to ' + LIMITS.descriptionChars + ' characters and keeps ' + LIMITS.keywords + ' keywords', () => {
    const s = searchSummary(doc('foo', { description: 'x'.repeat(500), keywords: Array.from({ length: 30 }, (_, i) => 'k' + i) })) as SearchSummary;
    expect(s.description).toBe('x'.repeat(LIMITS.descriptionChars - 1) + '\u2026');
    expect(s.keywords).toHaveLength(LIMITS.keywords);
  });

  const skipped: Array<[string, PackageDoc | null]> = [
    ['a design document', { ...doc('x'), _id: '_design/app' }],
    ['a deleted document', { ...doc('x'), _deleted: true }],
    ['a foreign package', { _id: 'ext', name: 'ext', url: 'http://other.example/ext', maintainers: [{ name: 'alice' }], description: 'elsewhere' }],
    ['a package without a latest version', { ...doc('x'), 'dist-tags': { beta: '1.0.0' } }],
    ['a latest tag pointing at a missing version', { ...doc('x'), 'dist-tags': { latest: '9.9.9' } }],
    ['a document without a name', { _id: 'x' } as PackageDoc],
    ['null', null],
  ];
  for (const [label, d] of skipped) it('leaves out ' + label, () => expect(searchRows(d)).toEqual([]));

  it('emits one row per distinct term, keyed [term, match], with the summary as value', () => {
    const rows = searchRows(doc('foo-bar', { keywords: ['foo'] }));
    expect(rows.map((r) => r.key)).toEqual([['foo', Match.NamePart], ['fo', Match.NamePrefix], ['bar', Match.NamePart], ['ba', Match.NamePrefix]]);
    expect(rows[0].value.name).toBe('foo-bar');
  });
});

describe('search: planSearch (one view lookup per query)', () => {
  const cases: Array<[string, Parameters<typeof planSearch>[0], ReturnType<typeof planSearch>]> = [
    ['serves a normalised single term from its own rows', { text: 'express', rowsTerm: 'express' },
      { kind: 'search', plan: { terms: ['express'], exact: ['express', 'express'], size: 20, from: 0 } }],
    ['redirects a capitalised term to its lowercase rows', { text: 'Express', rowsTerm: 'Express', size: '5' },
      { kind: 'redirect', location: '-/v1/search/express?text=Express&size=5&from=0' }],
    ['redirects several words to the longest term', { text: 'ab router', rowsTerm: 'ab router' },
      { kind: 'redirect', location: '-/v1/search/router?text=ab%20router&size=20&from=0' }],
    ['takes the first of equally long terms', { text: 'web api', rowsTerm: 'web api' },
      { kind: 'redirect', location: '-/v1/search/web?text=web%20api&size=20&from=0' }],
    ['redirects a scoped name to its longest part', { text: '@sc/bar', rowsTerm: '@sc/bar' },
      { kind: 'redirect', location: '-/v1/search/bar?text=%40sc%2Fbar&size=20&from=0' }],
    ['serves several words on the term route, all of them required', { text: 'express router', term: 'express', rowsTerm: 'express', from: '40' },
      { kind: 'search', plan: { terms: ['express', 'router'], exact: ['express router', 'express-router'], size: 20, from: 40 } }],
    ['redirects a term route that is not normalised, without a text', { term: 'Foo', rowsTerm: 'Foo' },
      { kind: 'redirect', location: '-/v1/search/foo?size=20&from=0' }],
    ['answers an empty text with an empty result', { text: '', rowsTerm: '' }, { kind: 'empty', page: { size: 20, from: 0 } }],
    ['answers a missing text (CouchDB leaves ":text" unbound) with an empty result', { rowsTerm: ':text' }, { kind: 'empty', page: { size: 20, from: 0 } }],
    ['answers punctuation only with an empty result', { text: '-- /', rowsTerm: '-- /' }, { kind: 'empty', page: { size: 20, from: 0 } }],
  ];
  for (const [label, input, expected] of cases) it(label, () => expect(planSearch(input)).toEqual(expected));

  const pages: Array<[string | undefined, string | undefined, number, number]> = [
    [undefined, undefined, 20, 0], ['5', '10', 5, 10], ['0', '0', 0, 0], ['1000', '3', LIMITS.maxSize, 3],
    ['x', '-3', 20, 0], ['7.9', '', 7, 0], [' ', '2e1', 20, 20],
  ];
  for (const [size, from, wantSize, wantFrom] of pages) {
    it('reads size=' + JSON.stringify(size) + ' from=' + JSON.stringify(from) + ' as ' + wantSize + ', ' + wantFrom, () => {
      const d = planSearch({ text: 'a', rowsTerm: 'a', size, from });
      expect(d.kind === 'search' && { size: d.plan.size, from: d.plan.from }).toEqual({ size: wantSize, from: wantFrom });
    });
  }

  it('drops stopwords and one-letter words unless nothing else is left', () => {
    expect(queryTerms(words('the router of a b'))).toEqual(['router']);
    expect(queryTerms(words('the a'))).toEqual(['the', 'a']);
    expect(queryTerms(words('router Router ROUTER'))).toEqual(['router']);
  });

  it('uses at most ' + LIMITS.queryTerms + ' terms of a long text', () => {
    const text = Array.from({ length: 30 }, (_, i) => 'word' + i).join(' ');
    const d = planSearch({ text, term: 'word0', rowsTerm: 'word0' });
    expect(d.kind === 'search' && d.plan.terms).toEqual(Array.from({ length: LIMITS.queryTerms }, (_, i) => 'word' + i));
  });

  it('a redirect leads to a request that is served, never to another redirect', () => {
    const long = Array.from({ length: 20 }, (_, i) => 'w'.repeat(i % 7 + 2) + i).join(' ');
    for (const text of ['Express', 'express Router', 'web api', '@sc/bar', 'the router', 'Café AU lait', 'b a', long]) {
      const first = planSearch({ text, rowsTerm: text });
      expect(first.kind).toBe('redirect');
      const url = new URL((first as { location: string }).location, 'http://x/');
      const term = decodeURIComponent(url.pathname.split('/').pop() as string);
      const second = planSearch({ text: url.searchParams.get('text') as string, term, rowsTerm: term, size: url.searchParams.get('size') as string });
      expect({ text, kind: second.kind }).toEqual({ text, kind: 'search' });
    }
  });
});

describe('search: matching, ranking and paging', () => {
  // What the list does across the redirect: the term whose rows are read, and the plan served there.
  const served = (text: string, page: Partial<SearchPlan> = {}): { lookup: string; plan: SearchPlan } => {
    const first = planSearch({ text });
    if (first.kind !== 'redirect') throw new Error('expected a redirect for ' + text);
    const lookup = decodeURIComponent(first.location.split('?')[0].split('/').pop() as string);
    const second = planSearch({ text, term: lookup, rowsTerm: lookup });
    if (second.kind !== 'search') throw new Error('expected a plan for ' + text);
    return { lookup, plan: { ...second.plan, ...page } };
  };
  const rowsFor = (term: string, summaries: SearchSummary[]) => summaries.flatMap((s) => {
    const match = packageTerms(s).get(term);
    return match === undefined ? [] : [{ key: [term, match], value: s }];
  });
  const search = (text: string, summaries: SearchSummary[], page: Partial<SearchPlan> = {}) => {
    const { lookup, plan: p } = served(text, page);
    const matches = rowsFor(lookup, summaries).map((r) => matchRow(r, p)).filter((m): m is SearchMatch => m !== null);
    return searchResult(matches, p, 'http://reg/', '2026-05-01T00:00:00.000Z');
  };
  const packages = [
    summary('zz-desc', { description: 'works with express apps' }),
    summary('kw-pkg', { keywords: ['Express'] }),
    summary('expressive'),
    summary('express-session', { keywords: ['session'] }),
    summary('express', { keywords: ['router'] }),
    summary('aa-desc', { description: 'an express helper' }),
    summary('@sc/express-router'),
  ];

  it('ranks the exact name first, then name parts, name prefixes, keywords, descriptions; ties by name', () => {
    const r = search('express', packages);
    expect(r.objects.map((o) => o.package.name)).toEqual(['express', '@sc/express-router', 'express-session', 'expressive', 'kw-pkg', 'aa-desc', 'zz-desc']);
    expect(r.objects.map((o) => o.searchScore)).toEqual([WEIGHTS[Match.FullName] + EXACT_BONUS, 8, 8, 4, 2, 1, 1]);
    expect(r.objects[0].score.final).toBe(1);
    expect(r.total).toBe(7);
  });

  it('pages with size and from; total counts every match', () => {
    const r = search('express', packages, { size: 2, from: 1 });
    expect(r.objects.map((o) => o.package.name)).toEqual(['@sc/express-router', 'express-session']);
    expect(r.total).toBe(7);
    expect(search('express', packages, { from: 50 }).objects).toEqual([]);
    expect(search('express', packages, { size: 0 })).toMatchObject({ objects: [], total: 7 });
  });

  it('requires every term and adds up their scores; the whole query as a name gets the bonus', () => {
    const r = search('express router', packages);
    expect(r.objects.map((o) => [o.package.name, o.searchScore])).toEqual([
      ['@sc/express-router', 8 + 8], ['express', WEIGHTS[Match.FullName] + WEIGHTS[Match.Keyword]],
    ]);
    expect(search('express session', packages).objects.map((o) => [o.package.name, o.searchScore])).toEqual([['express-session', 8 + 8 + EXACT_BONUS]]);
    expect(search('@sc/express-router', packages).objects[0].searchScore).toBe(8 + 8 + 8 + EXACT_BONUS);
  });

  it('gives an old mixed-case name the exact-name bonus', () => {
    expect(search('jsonstream', [summary('JSONStream'), summary('jsonstream-x')]).objects.map((o) => [o.package.name, o.searchScore]))
      .toEqual([['JSONStream', WEIGHTS[Match.FullName] + EXACT_BONUS], ['jsonstream-x', WEIGHTS[Match.NamePart]]]);
  });

  it('finds nothing when one term matches nothing', () => {
    expect(search('express nosuchword', packages)).toMatchObject({ objects: [], total: 0 });
  });

  it('shapes each package the way npm renders it: maintainers by username, links, scope', () => {
    const s = summary('@sc/bar', { description: 'd', keywords: ['k'], date: '2026-01-01T00:00:00.000Z', publisher: { username: 'bob', email: 'b@x' }, maintainers: [{ username: 'bob', email: 'b@x' }] });
    expect(resultPackage(s, 'http://reg/')).toEqual({
      name: '@sc/bar', scope: 'sc', version: '1.0.0', description: 'd', keywords: ['k'], date: '2026-01-01T00:00:00.000Z',
      links: { npm: 'http://reg/@sc%2fbar' }, publisher: { username: 'bob', email: 'b@x' }, maintainers: [{ username: 'bob', email: 'b@x' }],
    });
    expect(resultPackage(summary('foo'), 'http://reg/')).toEqual({ name: 'foo', scope: 'unscoped', version: '1.0.0', links: { npm: 'http://reg/foo' }, maintainers: [{ username: 'alice' }] });
  });

  it('answers in the shape of the public registry', () => {
    const r = search('expressive', packages);
    expect(r).toEqual({
      objects: [{ package: resultPackage(packages[2], 'http://reg/'), score: { final: 1, detail: { quality: 0, popularity: 0, maintenance: 0 } }, searchScore: WEIGHTS[Match.FullName] + EXACT_BONUS }],
      total: 1,
      time: '2026-05-01T00:00:00.000Z',
    });
  });
});
