// Package search (`npm search`, GET /-/v1/search), the pure part. The `search` view emits one row
// per (term, package) with a compact summary as its value; the `search` list reads the rows of one
// term, keeps the packages that also match the query's other terms, ranks and pages them. A
// package's terms are derived from its summary alone, so the list can re-derive exactly the terms
// the view indexed without reading the document.
import { isForeign, type PackageDoc } from './packument';
import { nameSegment, parseName } from './package-name';

export interface SearchPerson {
  username: string;
  email?: string;
}

/** The value of every view row: what a search result shows, and what its terms come from. */
export interface SearchSummary {
  name: string;
  version: string;
  description?: string;
  keywords?: string[];
  date?: string;
  publisher?: SearchPerson;
  maintainers: SearchPerson[];
}

/** How a term matches a package, best first. The number is the second element of the view key. */
export const Match = { FullName: 0, NamePart: 1, NamePrefix: 2, Keyword: 3, Description: 4 } as const;
/** Score of each kind of match; a query's score is their sum over its terms. A whole-name match
 * is barely above a name part, so that for "express router" a package named with both words beats
 * `express` with a keyword `router`; the exact-name bonus is what puts the named package first. */
export const WEIGHTS = [10, 8, 4, 2, 1];
/** Added when the whole query is the package's name (`express-session` for "express session"). */
export const EXACT_BONUS = 100;

export const LIMITS = {
  descriptionChars: 200,
  keywords: 10,
  maintainers: 10,
  /** Distinct description words indexed per package (after stopwords and words already indexed). */
  descriptionTerms: 24,
  termLength: 40,
  queryTerms: 8,
  minPrefix: 2,
  maxPrefix: 15,
  defaultSize: 20,
  maxSize: 250,
};

// Whitespace and ASCII punctuation (scope, slash, dot, dash, underscore…), plus Latin-1 symbols,
// general punctuation and CJK punctuation. Letters and digits of every script stay in words.
const SEPARATORS = /[\s!-/:-@[-`{-~\u00a0-\u00bf\u00d7\u00f7\u2000-\u206f\u3000-\u303f\uff01-\uff0f]+/;

// Left out of the description words only: a name part or keyword "for" still counts.
const STOPWORDS = ['an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'from', 'in', 'into', 'is', 'it', 'its',
  'of', 'on', 'or', 'that', 'the', 'this', 'to', 'with', 'you', 'your'];

/** Lowercase words of a text, in order, repeats included; over-long words are dropped. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const w of text.toLowerCase().split(SEPARATORS)) {
    if (w !== '' && w.length <= LIMITS.termLength) out.push(w);
  }
  return out;
}

/** Every term a package is found by, with its best match (see Match). */
export function packageTerms(s: { name: string; keywords?: string[]; description?: string }): Map<string, number> {
  const out = new Map<string, number>();
  const note = (term: string, match: number) => {
    const old = out.get(term);
    if (old === undefined || match < old) out.set(term, match);
  };
  const parts = words(s.name);
  // Names are lowercase since 2013; older mixed-case ones (JSONStream) are found in lowercase.
  if (parts.length === 1 && parts[0] === s.name.toLowerCase()) note(parts[0], Match.FullName);
  for (const part of parts) {
    note(part, Match.NamePart);
    for (let n = LIMITS.minPrefix; n < part.length && n <= LIMITS.maxPrefix; n++) {
      if (!isHighSurrogate(part.charCodeAt(n - 1))) note(part.slice(0, n), Match.NamePrefix);
    }
  }
  for (const keyword of s.keywords || []) {
    for (const w of words(keyword)) note(w, Match.Keyword);
  }
  let described = 0;
  for (const w of words(s.description || '')) {
    if (described >= LIMITS.descriptionTerms) break;
    if (w.length < 2 || STOPWORDS.indexOf(w) >= 0 || out.has(w)) continue;
    note(w, Match.Description);
    described++;
  }
  return out;
}

/** The summary a package is indexed with, or null for what search leaves out. */
export function searchSummary(doc: PackageDoc | null): SearchSummary | null {
  // Foreign packages are left out: their versions and description live at another registry.
  if (!doc || doc._deleted || typeof doc._id !== 'string' || doc._id.indexOf('_design/') === 0) return null;
  if (typeof doc.name !== 'string' || doc.name === '' || isForeign(doc)) return null;
  const latest = (doc['dist-tags'] || {}).latest;
  const versions = doc.versions || {};
  if (typeof latest !== 'string' || !Object.prototype.hasOwnProperty.call(versions, latest)) return null;
  const manifest = versions[latest];
  if (!manifest || typeof manifest !== 'object') return null;
  const s: SearchSummary = { name: doc.name, version: latest, maintainers: people(doc.maintainers) };
  const description = typeof doc.description === 'string' ? doc.description : manifest.description;
  if (typeof description === 'string' && description.trim() !== '') s.description = truncate(description.trim(), LIMITS.descriptionChars);
  const keywords = keywordList(doc.keywords !== undefined ? doc.keywords : manifest.keywords);
  if (keywords.length > 0) s.keywords = keywords;
  const time = doc.time || {};
  const date = time.modified || time[latest];
  if (typeof date === 'string') s.date = date;
  const publisher = person(manifest._npmUser);
  if (publisher) s.publisher = publisher;
  return s;
}

/** The view's rows for one document: key [term, match], value the summary. */
export function searchRows(doc: PackageDoc | null): Array<{ key: [string, number]; value: SearchSummary }> {
  const s = searchSummary(doc);
  if (!s) return [];
  const rows: Array<{ key: [string, number]; value: SearchSummary }> = [];
  packageTerms(s).forEach((match, term) => rows.push({ key: [term, match], value: s }));
  return rows;
}

function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = isHighSurrogate(text.charCodeAt(max - 2)) ? max - 2 : max - 1;
  return text.slice(0, cut) + '\u2026';
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}

function keywordList(v: unknown): string[] {
  const list = typeof v === 'string' ? v.split(/[,\s]+/) : Object.prototype.toString.call(v) === '[object Array]' ? (v as unknown[]) : [];
  const out: string[] = [];
  for (const k of list) {
    if (typeof k !== 'string') continue;
    const t = k.trim();
    if (t !== '' && t.length <= LIMITS.termLength && out.indexOf(t) < 0) out.push(t);
    if (out.length >= LIMITS.keywords) break;
  }
  return out;
}

function person(v: unknown): SearchPerson | null {
  if (typeof v === 'string' && v !== '') return { username: v };
  if (!v || typeof v !== 'object') return null;
  const p = v as { name?: unknown; username?: unknown; email?: unknown };
  const username = typeof p.name === 'string' ? p.name : p.username;
  if (typeof username !== 'string' || username === '') return null;
  const out: SearchPerson = { username: username };
  if (typeof p.email === 'string' && p.email !== '') out.email = p.email;
  return out;
}

// npm's search output calls maintainers.map(m => m.username): always an array of {username}.
function people(v: unknown): SearchPerson[] {
  const out: SearchPerson[] = [];
  if (Object.prototype.toString.call(v) !== '[object Array]') return out;
  for (const m of v as unknown[]) {
    const p = person(m);
    if (p) out.push(p);
    if (out.length >= LIMITS.maintainers) break;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The query side: what the list does with the request and the rows of one term.

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
  const page: SearchPage = { size: count(input.size, LIMITS.defaultSize, LIMITS.maxSize), from: count(input.from, 0, Infinity) };
  const text = input.text || '';
  // The term route's own term first; the text's terms capped, since each one costs per row.
  const terms = queryTerms(words(input.term || '').concat(queryTerms(words(text)).slice(0, LIMITS.queryTerms)));
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
