// Package search (`npm search`, GET /-/v1/search), the query half: what the search lists do with
// a request and the rows of one term: plan the lookups, match the other words, rank and page. The
// index half (search-index.ts) says what the `search` view emits; the views never import this
// file, so nothing here (a weight, a page limit, a comment) rebuilds a view index.
import { Match, STOPWORDS, packageTerms, words, type SearchSummary } from './search-index';
import { nameSegment, parseName } from './package-name';

/** Score of each kind of match; a query's score is their sum over its terms. A whole-name match
 * is barely above a name part, so that for "express router" a package named with both words beats
 * `express` with a keyword `router`; the exact-name bonus is what puts the named package first. */
export const WEIGHTS = [10, 8, 4, 2, 1];
/** Added when the whole query is the package's name (`express-session` for "express session"). */
export const EXACT_BONUS = 100;

/** What a request may ask for: words of a query used, page sizes. */
export const QUERY_LIMITS = {
  queryTerms: 8,
  defaultSize: 20,
  maxSize: 250,
};

export interface SearchPage {
  size: number;
  from: number;
}

export interface SearchPlan extends SearchPage {
  /** Distinct query terms; a result matches every one of them. */
  terms: string[];
  /** Names that are the whole query, for EXACT_BONUS. */
  exact: string[];
}

/**
 * What a search request does. A query of one word takes two requests, each one view lookup:
 * - the count route (GET /-/v1/search, GET /-/v1/search/:term) reads the term's row counts (the
 *   view's `_count`, grouped by match kind: a few rows, whatever the registry's size) and
 *   redirects to the page route with `total`, the best match kind, and `skip`/`limit` for the view;
 * - the page route (GET /-/v1/search/:term/page) then reads only the rows of that page: for one
 *   term the view's order (match kind, then name) is already the ranking.
 * A query of several words cannot be ranked by the view. The count route sends it to the terms
 * route (GET /-/v1/search/-/terms?keys=…), which reads every word's counts in one lookup and
 * answers at once when a word matches nothing; else the page route reads every row of the
 * rarest word and keeps the packages that have all the others too.
 */
export type SearchDecision =
  /** Answer an empty page; `total` is what the registry holds for the query. */
  | { kind: 'empty'; page: SearchPage; total: number }
  /** `location` is relative to the registry's base URL. */
  | { kind: 'redirect'; location: string }
  /** Count route, at the lookup term's rows: count them, then see `afterCount`. */
  | { kind: 'count'; plan: SearchPlan; next: string }
  /** Terms route: count every term's rows, then see `afterTerms`. */
  | { kind: 'terms'; plan: SearchPlan; query: string }
  /** Page route, one term, counted: the rows arrive ranked from row `skip` on; stop when the page is full. */
  | { kind: 'page'; plan: SearchPlan; total: number; best: number; skip: number }
  /** Page route otherwise: read every row, keep those that match every term, rank them. */
  | { kind: 'search'; plan: SearchPlan };

export interface SearchInput {
  /** Which route the request came by. */
  route: 'count' | 'terms' | 'page';
  /** The request's `text` as sent. */
  text?: string;
  /** The `:term` of GET /-/v1/search/:term[/page]. */
  term?: string;
  /** The term whose rows this request reads (the first element of its startkey). */
  rowsTerm?: string;
  size?: string;
  from?: string;
  /** The terms route's `keys`, as the count route's redirect set them. */
  keys?: string;
  /** The page route's `total`, `best` and `skip`, as the count route's redirect set them. */
  total?: string;
  best?: string;
  skip?: string;
}

export function planSearch(input: SearchInput): SearchDecision {
  const page: SearchPage = { size: count(input.size, QUERY_LIMITS.defaultSize, QUERY_LIMITS.maxSize), from: count(input.from, 0, Infinity) };
  const text = input.text || '';
  // The term route's own term first; the text's terms capped, since each one costs per row.
  const terms = queryTerms(words(input.term || '').concat(queryTerms(words(text)).slice(0, QUERY_LIMITS.queryTerms)));
  if (terms.length === 0) return { kind: 'empty', page: page, total: 0 };
  const whole = text.trim() !== '' ? text : input.term || '';
  const plan: SearchPlan = { terms: terms, exact: [whole.trim().toLowerCase(), words(whole).join('-')], size: page.size, from: page.from };
  const query = (input.text !== undefined ? 'text=' + encodeURIComponent(input.text) + '&' : '') + 'size=' + page.size + '&from=' + page.from;
  if (terms.length > 1) {
    // Only the keys of this query's words: other keys (or none, which means every group of the
    // view) would have the list read rows it has no use for.
    if (input.route === 'terms' && sameJson(input.keys, termKeys(terms))) return { kind: 'terms', plan: plan, query: query };
    if (input.route === 'page' && input.rowsTerm !== undefined && terms.indexOf(input.rowsTerm) >= 0) return { kind: 'search', plan: plan };
    return { kind: 'redirect', location: termsPath(terms) + '&' + query };
  }
  const lookup = terms[0];
  if (input.rowsTerm !== lookup) return { kind: 'redirect', location: '-/v1/search/' + encodeURIComponent(lookup) + '?' + query };
  if (input.route === 'count') return { kind: 'count', plan: plan, next: pagePath(lookup) + '?' + query };
  const total = count(input.total, -1, Infinity);
  if (total < 0 || total === Infinity) return { kind: 'search', plan: plan };
  return { kind: 'page', plan: plan, total: total, best: count(input.best, Match.FullName, Match.Description), skip: count(input.skip, 0, Infinity) };
}

/**
 * The count route's answer for one term, from its reduced rows (key [term, match], value the
 * number of packages): an empty page when nothing is there to show, else the page route for the
 * rows of this page. A query of one term matches each of its rows, so the count is the total.
 */
export function afterCount(counting: { plan: SearchPlan; next: string }, rows: SearchRow[]): SearchDecision {
  const plan = counting.plan;
  let total = 0;
  let best: number = Match.Description;
  for (const row of rows) {
    const key = row.key as unknown[];
    if (typeof row.value !== 'number' || Object.prototype.toString.call(key) !== '[object Array]' || key[0] !== plan.terms[0]) continue;
    total += row.value;
    if (typeof key[1] === 'number' && key[1] < best) best = key[1];
  }
  if (plan.from >= total) return { kind: 'empty', page: plan, total: total };
  const more = '&total=' + total + '&best=' + best + '&skip=' + plan.from + '&limit=' + plan.size;
  return { kind: 'redirect', location: counting.next + more };
}

/**
 * The terms route's answer for several words, from their reduced rows (key [term, match], value
 * the number of packages, exact keys): an empty page when a word matches nothing, else the page
 * route of the rarest word (the longer one of equally rare words), whose rows are fewest.
 */
export function afterTerms(terms: { plan: SearchPlan; query: string }, rows: SearchRow[]): SearchDecision {
  // A Map, not an object: a word such as "constructor" must not find Object.prototype's.
  const counts = new Map<string, number>();
  for (const row of rows) {
    const key = row.key as unknown[];
    if (typeof row.value !== 'number' || Object.prototype.toString.call(key) !== '[object Array]' || typeof key[0] !== 'string') continue;
    counts.set(key[0], (counts.get(key[0]) || 0) + row.value);
  }
  let rarest = '';
  let fewest = 0;
  for (const t of terms.plan.terms) {
    const n = counts.get(t) || 0;
    if (n === 0) return { kind: 'empty', page: terms.plan, total: 0 };
    if (rarest === '' || n < fewest || (n === fewest && t.length > rarest.length)) {
      rarest = t;
      fewest = n;
    }
  }
  return { kind: 'redirect', location: pagePath(rarest) + '?' + terms.query };
}

/** The terms route for several words: `keys` are every [term, match] the reduced view may hold. */
function termsPath(terms: string[]): string {
  return '-/v1/search/-/terms?keys=' + encodeURIComponent(JSON.stringify(termKeys(terms)));
}

function termKeys(terms: string[]): Array<[string, number]> {
  const keys: Array<[string, number]> = [];
  for (const t of terms) for (let m = Match.FullName; m <= Match.Description; m++) keys.push([t, m]);
  return keys;
}

function sameJson(text: string | undefined, value: unknown): boolean {
  if (text === undefined) return false;
  try {
    return JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
  } catch {
    return false;
  }
}

function pagePath(term: string): string {
  return '-/v1/search/' + encodeURIComponent(term) + '/page';
}

/** Distinct words, without stopwords and one-letter words unless nothing else is left. */
export function queryTerms(all: string[]): string[] {
  const distinct: string[] = [];
  for (const w of all) if (distinct.indexOf(w) < 0) distinct.push(w);
  const meaningful = distinct.filter((w) => w.length >= 2 && STOPWORDS.indexOf(w) < 0);
  return meaningful.length > 0 ? meaningful : distinct;
}

function count(v: string | undefined, fallback: number, max: number): number {
  const n = v === undefined || v.trim() === '' ? NaN : Math.floor(Number(v));
  if (!isFinite(n) || n < 0) return fallback;
  return n > max ? max : n;
}

export interface SearchMatch {
  score: number;
  summary: SearchSummary;
}

/** A view row of the lookup term as a scored match, or null when it misses another term. */
export function matchRow(row: SearchRow, plan: SearchPlan): SearchMatch | null {
  const s = row.value as SearchSummary;
  if (!s || typeof s !== 'object' || typeof s.name !== 'string') return null;
  let score = 0;
  if (plan.terms.length === 1) {
    // The view already knows how this one term matches: no need to re-derive the terms.
    const key = row.key as unknown[];
    score = WEIGHTS[Number(key && key[1])] || 0;
  } else {
    // Every term of a package is a substring of this text: a cheap test before tokenising.
    const text = (s.name + ' ' + (s.keywords || []).join(' ') + ' ' + (s.description || '')).toLowerCase();
    for (const t of plan.terms) if (text.indexOf(t) < 0) return null;
    const terms = packageTerms(s);
    for (const t of plan.terms) {
      const match = terms.get(t);
      if (match === undefined) return null;
      score += WEIGHTS[match];
    }
  }
  if (plan.exact.indexOf(s.name.toLowerCase()) >= 0) score += EXACT_BONUS;
  return { score: score, summary: s };
}

export type SearchRow = { key: unknown; value: unknown };

/** Page route, one counted term: the page's matches, reading no row past it. */
export function readPage(next: () => SearchRow | null | undefined, d: { plan: SearchPlan; skip: number }): SearchMatch[] {
  const page: SearchMatch[] = [];
  let index = d.skip;
  // A list that stops calling getRow() ends the view read: CouchDB sends no further rows.
  while (page.length < d.plan.size) {
    const row = next();
    if (!row) break;
    if (index++ < d.plan.from) continue;
    const m = matchRow(row, d.plan);
    if (m) page.push(m);
  }
  return page;
}

/** Page route otherwise: every row of the term that matches the whole query. */
export function readAll(next: () => SearchRow | null | undefined, plan: SearchPlan): SearchMatch[] {
  const matches: SearchMatch[] = [];
  for (let row = next(); row; row = next()) {
    const m = matchRow(row, plan);
    if (m) matches.push(m);
  }
  return matches;
}

/** Best score first, then by name. */
export function compareMatches(a: SearchMatch, b: SearchMatch): number {
  if (a.score !== b.score) return b.score - a.score;
  return a.summary.name < b.summary.name ? -1 : a.summary.name > b.summary.name ? 1 : 0;
}

export interface SearchObject {
  package: Record<string, unknown>;
  score: { final: number; detail: { quality: number; popularity: number; maintenance: number } };
  searchScore: number;
}

export interface SearchResult {
  objects: SearchObject[];
  total: number;
  time: string;
}

/** The reply to npm: one page of the ranked matches; `total` counts them all. */
export function searchResult(matches: SearchMatch[], page: SearchPage, base: string, now: string): SearchResult {
  const ranked = matches.slice().sort(compareMatches);
  const best = ranked.length > 0 ? ranked[0].score : 0;
  return { objects: resultObjects(ranked.slice(page.from, page.from + page.size), best, base), total: ranked.length, time: now };
}

/**
 * The reply for one counted term: `matches` are the page's rows in the view's order, which is the
 * ranking; `best` is the match kind of the term's first row (the count route learnt it).
 */
export function pageResult(matches: SearchMatch[], total: number, best: number, base: string, now: string): SearchResult {
  // For one term, a whole-name match always gets EXACT_BONUS: the term itself is in plan.exact.
  const bestScore = (WEIGHTS[best] || 0) + (best === Match.FullName ? EXACT_BONUS : 0);
  return { objects: resultObjects(matches, bestScore, base), total: total, time: now };
}

function resultObjects(matches: SearchMatch[], best: number, base: string): SearchObject[] {
  return matches.map((m) => ({
    package: resultPackage(m.summary, base),
    // The registry measures no quality, popularity or maintenance; `final` is relevance to the best.
    score: { final: best > 0 ? Math.min(1, Math.round((m.score / best) * 10000) / 10000) : 1, detail: { quality: 0, popularity: 0, maintenance: 0 } },
    searchScore: m.score,
  }));
}

/** `package` of a search result, in the public registry's field order. */
export function resultPackage(s: SearchSummary, base: string): Record<string, unknown> {
  const scope = parseName(s.name).scope;
  const out: Record<string, unknown> = { name: s.name, scope: scope === null ? 'unscoped' : scope, version: s.version };
  if (s.description !== undefined) out.description = s.description;
  if (s.keywords !== undefined) out.keywords = s.keywords;
  if (s.date !== undefined) out.date = s.date;
  out.links = { npm: base + nameSegment(s.name) };
  if (s.publisher !== undefined) out.publisher = s.publisher;
  out.maintainers = s.maintainers || [];
  return out;
}
