import { describe, it, expect } from 'vitest';
import { INDEX_LIMITS, Match, packageTerms, searchRows, searchSummary, words, type SearchSummary } from '../../src/shared/search-index';
import {
  EXACT_BONUS, QUERY_LIMITS, WEIGHTS, afterCount, afterTerms, pageResult, planSearch, queryTerms, readAll, readPage, resultPackage,
  searchResult, type SearchPlan, type SearchResult, type SearchRow,
} from '../../src/shared/search-query';
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
    ['x'.repeat(INDEX_LIMITS.termLength + 1) + ' y', ['y']],
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

  it('stops prefixes at ' + INDEX_LIMITS.maxPrefix + ' letters', () => {
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

  it('indexes at most ' + INDEX_LIMITS.descriptionTerms + ' description words', () => {
    const description = Array.from({ length: 40 }, (_, i) => 'word' + i).join(' ');
    const t = terms({ name: 'z', description });
    expect(Object.keys(t).length).toBe(1 + INDEX_LIMITS.descriptionTerms);
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

  it('truncates the description to ' + INDEX_LIMITS.descriptionChars + ' characters and keeps ' + INDEX_LIMITS.keywords + ' keywords', () => {
    const s = searchSummary(doc('foo', { description: 'x'.repeat(500), keywords: Array.from({ length: 30 }, (_, i) => 'k' + i) })) as SearchSummary;
    expect(s.description).toBe('x'.repeat(INDEX_LIMITS.descriptionChars - 1) + '\u2026');
    expect(s.keywords).toHaveLength(INDEX_LIMITS.keywords);
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

describe('search: planSearch (one view lookup per request)', () => {
  const keysOf = (terms: string[]) => terms.flatMap((t) => [0, 1, 2, 3, 4].map((m) => [t, m]));
  const termsUrl = (terms: string[], query: string) => '-/v1/search/-/terms?keys=' + encodeURIComponent(JSON.stringify(keysOf(terms))) + '&' + query;
  const plan = (terms: string[], exact: string[], size = 20, from = 0): SearchPlan => ({ terms, exact, size, from });
  const cases: Array<[string, Parameters<typeof planSearch>[0], ReturnType<typeof planSearch>]> = [
    ['counts a normalised single term from its own rows', { route: 'count', text: 'express', rowsTerm: 'express' },
      { kind: 'count', plan: plan(['express'], ['express', 'express']), next: '-/v1/search/express/page?text=express&size=20&from=0' }],
    ['redirects a capitalised term to its lowercase rows', { route: 'count', text: 'Express', rowsTerm: 'Express', size: '5' },
      { kind: 'redirect', location: '-/v1/search/express?text=Express&size=5&from=0' }],
    ['sends several words to the terms route, every [word, match] key at once', { route: 'count', text: 'ab router', rowsTerm: 'ab router' },
      { kind: 'redirect', location: termsUrl(['ab', 'router'], 'text=ab%20router&size=20&from=0') }],
    ['sends a scoped name to the terms route of its parts', { route: 'count', text: '@sc/bar', rowsTerm: '@sc/bar', size: '5' },
      { kind: 'redirect', location: termsUrl(['sc', 'bar'], 'text=%40sc%2Fbar&size=5&from=0') }],
    ['counts several words on the terms route', { route: 'terms', text: 'web api', keys: JSON.stringify(keysOf(['web', 'api'])) },
      { kind: 'terms', plan: plan(['web', 'api'], ['web api', 'web-api']), query: 'text=web%20api&size=20&from=0' }],
    ['sends a terms route without its words\' keys to the one with them', { route: 'terms', text: 'web api' },
      { kind: 'redirect', location: termsUrl(['web', 'api'], 'text=web%20api&size=20&from=0') }],
    ['sends a terms route with other keys to the one with its words\' keys', { route: 'terms', text: 'web api', keys: '[["web",0]]' },
      { kind: 'redirect', location: termsUrl(['web', 'api'], 'text=web%20api&size=20&from=0') }],
    ['sends one word on the terms route to its count route', { route: 'terms', text: 'Web' },
      { kind: 'redirect', location: '-/v1/search/web?text=Web&size=20&from=0' }],
    ['sends several words whose rows are not at hand to the terms route', { route: 'page', text: 'web api', term: 'Web', rowsTerm: 'Web' },
      { kind: 'redirect', location: termsUrl(['web', 'api'], 'text=web%20api&size=20&from=0') }],
    ['reads every row for several words on the page route, all of them required', { route: 'page', text: 'express router', term: 'express', rowsTerm: 'express', from: '40' },
      { kind: 'search', plan: plan(['express', 'router'], ['express router', 'express-router'], 20, 40) }],
    ['reads only the page for one counted term', { route: 'page', text: 'express', term: 'express', rowsTerm: 'express', total: '7', best: '1', skip: '0' },
      { kind: 'page', plan: plan(['express'], ['express', 'express']), total: 7, best: 1, skip: 0 }],
    ['reads every row for one term when the count is missing', { route: 'page', term: 'express', rowsTerm: 'express', total: 'x' },
      { kind: 'search', plan: plan(['express'], ['express', 'express']) }],
    ['bounds a forged best match kind', { route: 'page', term: 'express', rowsTerm: 'express', total: '3', best: '99', skip: '-1' },
      { kind: 'page', plan: plan(['express'], ['express', 'express']), total: 3, best: Match.Description, skip: 0 }],
    ['redirects a page route whose rows are not the query\'s to the count route', { route: 'page', term: 'Express', rowsTerm: 'Express', total: '3' },
      { kind: 'redirect', location: '-/v1/search/express?size=20&from=0' }],
    ['redirects a term route that is not normalised, without a text', { route: 'count', term: 'Foo', rowsTerm: 'Foo' },
      { kind: 'redirect', location: '-/v1/search/foo?size=20&from=0' }],
    ['answers an empty text with an empty result', { route: 'count', text: '', rowsTerm: '' }, { kind: 'empty', page: { size: 20, from: 0 }, total: 0 }],
    ['answers a missing text (CouchDB leaves ":text" unbound) with an empty result', { route: 'count', rowsTerm: ':text' }, { kind: 'empty', page: { size: 20, from: 0 }, total: 0 }],
    ['answers punctuation only with an empty result', { route: 'count', text: '-- /', rowsTerm: '-- /' }, { kind: 'empty', page: { size: 20, from: 0 }, total: 0 }],
  ];
  for (const [label, input, expected] of cases) it(label, () => expect(planSearch(input)).toEqual(expected));

  describe('afterTerms (the terms route\'s answer)', () => {
    const terms = { plan: plan(['express', 'router', 'web'], ['express router web', 'express-router-web']), query: 'text=express%20router%20web&size=20&from=0' };
    it('sends the query to the page route of its rarest word', () => {
      const rows = [{ key: ['express', 0], value: 1 }, { key: ['express', 3], value: 40 }, { key: ['router', 1], value: 9 }, { key: ['web', 4], value: 12 }];
      expect(afterTerms(terms, rows)).toEqual({ kind: 'redirect', location: '-/v1/search/router/page?' + terms.query });
    });
    it('takes the longer of equally rare words', () => {
      const rows = [{ key: ['express', 2], value: 3 }, { key: ['router', 1], value: 3 }, { key: ['web', 4], value: 3 }];
      expect(afterTerms(terms, rows)).toEqual({ kind: 'redirect', location: '-/v1/search/express/page?' + terms.query });
    });
    it('answers an empty page when one word matches nothing', () => {
      const rows = [{ key: ['express', 0], value: 1 }, { key: ['router', 1], value: 9 }, { key: ['web', 4], value: 0 }];
      expect(afterTerms(terms, rows)).toEqual({ kind: 'empty', page: terms.plan, total: 0 });
      expect(afterTerms(terms, [{ key: ['express', 0], value: 'x' }, { key: 'router', value: 2 }])).toEqual({ kind: 'empty', page: terms.plan, total: 0 });
      const inherited = { plan: plan(['constructor', 'web'], ['constructor web', 'constructor-web']), query: 'text=constructor%20web&size=20&from=0' };
      expect(afterTerms(inherited, [{ key: ['web', 1], value: 3 }])).toEqual({ kind: 'empty', page: inherited.plan, total: 0 });
    });
  });

  describe('afterCount (the count route\'s answer)', () => {
    const counting = { plan: plan(['express'], ['express', 'express'], 2, 1), next: '-/v1/search/express/page?text=express&size=2&from=1' };
    it('redirects to the page with the total, the best match kind, and skip/limit for the view', () => {
      const rows = [{ key: ['express', 1], value: 2 }, { key: ['express', 3], value: 4 }, { key: ['express', 4], value: 1 }];
      expect(afterCount(counting, rows)).toEqual({ kind: 'redirect', location: counting.next + '&total=7&best=1&skip=1&limit=2' });
    });
    it('answers an empty page with the total when nothing matches or from is past the end', () => {
      expect(afterCount(counting, [])).toEqual({ kind: 'empty', page: counting.plan, total: 0 });
      expect(afterCount(counting, [{ key: ['express', 0], value: 1 }])).toEqual({ kind: 'empty', page: counting.plan, total: 1 });
    });
    it('counts only the term\'s own reduced rows', () => {
      const rows = [{ key: ['other', 0], value: 5 }, { key: ['express', 2], value: 'x' }, { key: 'express', value: 3 }, { key: ['express', 2], value: 3 }];
      expect(afterCount(counting, rows)).toEqual({ kind: 'redirect', location: counting.next + '&total=3&best=2&skip=1&limit=2' });
    });
  });

  const pages: Array<[string | undefined, string | undefined, number, number]> = [
    [undefined, undefined, 20, 0], ['5', '10', 5, 10], ['0', '0', 0, 0], ['1000', '3', QUERY_LIMITS.maxSize, 3],
    ['x', '-3', 20, 0], ['7.9', '', 7, 0], [' ', '2e1', 20, 20],
  ];
  for (const [size, from, wantSize, wantFrom] of pages) {
    it('reads size=' + JSON.stringify(size) + ' from=' + JSON.stringify(from) + ' as ' + wantSize + ', ' + wantFrom, () => {
      const d = planSearch({ route: 'count', text: 'a', rowsTerm: 'a', size, from });
      expect(d.kind === 'count' && { size: d.plan.size, from: d.plan.from }).toEqual({ size: wantSize, from: wantFrom });
    });
  }

  it('drops stopwords and one-letter words unless nothing else is left', () => {
    expect(queryTerms(words('the router of a b'))).toEqual(['router']);
    expect(queryTerms(words('the a'))).toEqual(['the', 'a']);
    expect(queryTerms(words('router Router ROUTER'))).toEqual(['router']);
  });

  it('uses at most ' + QUERY_LIMITS.queryTerms + ' terms of a long text', () => {
    const text = Array.from({ length: 30 }, (_, i) => 'word' + i).join(' ');
    const d = planSearch({ route: 'page', text, term: 'word0', rowsTerm: 'word0' });
    expect(d.kind === 'search' && d.plan.terms).toEqual(Array.from({ length: QUERY_LIMITS.queryTerms }, (_, i) => 'word' + i));
  });

});

// CouchDB's part, simulated: the view's rows of one term in the view's order (match kind, then
// name), their `_count` grouped by [term, match], skip/limit, and the two lists' decisions.
const NOW = '2026-05-01T00:00:00.000Z';
const rowsFor = (term: string, summaries: SearchSummary[]) => summaries.flatMap((s) => {
  const match = packageTerms(s).get(term);
  return match === undefined ? [] : [{ key: [term, match] as [string, number], value: s }];
}).sort((a, b) => a.key[1] - b.key[1] || (a.value.name < b.value.name ? -1 : a.value.name > b.value.name ? 1 : 0));
const countsFor = (term: string, summaries: SearchSummary[]) => {
  const n = [0, 0, 0, 0, 0];
  for (const r of rowsFor(term, summaries)) n[r.key[1]]++;
  return n.flatMap((value, match) => (value > 0 ? [{ key: [term, match], value }] : []));
};
const reader = (rows: SearchRow[]) => {
  let i = 0;
  return () => rows[i++];
};

/** GET /-/v1/search?text=…, following redirects as npm does: the answer and the requests it took. */
function follow(text: string, summaries: SearchSummary[], page: { size?: number; from?: number } = {}): { result: SearchResult; requests: number } {
  let url = new URL('http://reg/-/v1/search?text=' + encodeURIComponent(text) + (page.size !== undefined ? '&size=' + page.size : '') + (page.from !== undefined ? '&from=' + page.from : ''));
  for (let requests = 1; requests <= 3; requests++) {
    const q = (k: string) => url.searchParams.get(k) ?? undefined;
    const [segment, sub] = url.pathname.split('/').slice(4).map(decodeURIComponent);
    const route = sub === 'page' ? 'page' : sub === 'terms' ? 'terms' : 'count';
    const term = route === 'terms' ? undefined : segment;
    // The terms route has no startkey; the others bind the term, or the text on /-/v1/search.
    const rowsTerm = route === 'terms' ? undefined : term ?? q('text') ?? ':text';
    const planned = planSearch({ route, text: q('text'), term, rowsTerm, size: q('size'), from: q('from'), keys: q('keys'), total: q('total'), best: q('best'), skip: q('skip') });
    // group=true with exact keys: one reduced row per [word, match] that has packages.
    const keyed = () => (JSON.parse(q('keys') as string) as Array<[string, number]>).flatMap(([t, m]) => countsFor(t, summaries).filter((r) => r.key[1] === m));
    const d = planned.kind === 'count' ? afterCount(planned, countsFor(rowsTerm as string, summaries)) : planned.kind === 'terms' ? afterTerms(planned, keyed()) : planned;
    if (d.kind === 'redirect') {
      url = new URL(d.location, 'http://reg/');
      continue;
    }
    if (d.kind === 'empty' || d.kind === 'count' || d.kind === 'terms') return { result: { objects: [], total: d.kind === 'empty' ? d.total : 0, time: NOW }, requests };
    const skip = Number(q('skip') || 0);
    const rows = rowsFor(rowsTerm as string, summaries).slice(skip, q('limit') !== undefined ? skip + Number(q('limit')) : undefined);
    if (d.kind === 'page') return { result: pageResult(readPage(reader(rows), d), d.total, d.best, 'http://reg/', NOW), requests };
    return { result: searchResult(readAll(reader(rows), d.plan), d.plan, 'http://reg/', NOW), requests };
  }
  throw new Error('more than three requests for ' + JSON.stringify(text));
}

describe('search: the requests of one query', () => {
  const few = [summary('router'), summary('express', { keywords: ['web'] }), summary('bar', { description: 'au lait cafe' })];
  it('a query ends in an answer after at most three requests: counts, then the page', () => {
    const long = Array.from({ length: 20 }, (_, i) => 'w'.repeat(i % 7 + 2) + i).join(' ');
    // Several words: counts, all the words' counts, then the page, unless a word matches nothing.
    const cases: Array<[string, number]> = [['express', 2], ['Express', 3], ['express Router', 3], ['express web', 3], ['web api', 2],
      ['@sc/bar', 2], ['the router', 3], ['Café AU lait', 2], ['b a', 2], [long, 2], ['nosuchword', 1], ['', 1]];
    for (const [text, requests] of cases) expect({ text, requests: follow(text, few).requests }).toEqual({ text, requests });
  });
});

describe('search: matching, ranking and paging', () => {
  const search = (text: string, summaries: SearchSummary[], page: { size?: number; from?: number } = {}) => follow(text, summaries, page).result;
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

  it('for one term, reading only the page ranks exactly as reading every row does', () => {
    for (const term of ['express', 'expr', 'session', 'router', 'apps']) {
      const plan = planSearch({ route: 'page', term, rowsTerm: term });
      if (plan.kind !== 'search') throw new Error('expected a plan for ' + term);
      for (const [size, from] of [[20, 0], [2, 0], [2, 1], [3, 4], [1, 6], [0, 0]]) {
        const everyRow = searchResult(readAll(reader(rowsFor(term, packages)), plan.plan), { size, from }, 'http://reg/', NOW);
        expect({ term, size, from, result: search(term, packages, { size, from }) }).toEqual({ term, size, from, result: everyRow });
      }
    }
  });

  it('reads no row past the page', () => {
    let read = 0;
    const rows = rowsFor('express', packages);
    const next = () => { read++; return rows[read - 1]; };
    const page = readPage(next, { plan: { terms: ['express'], exact: ['express', 'express'], size: 2, from: 1 }, skip: 0 });
    expect(page.map((m) => m.summary.name)).toEqual(['@sc/express-router', 'express-session']);
    expect(read).toBe(3);
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
