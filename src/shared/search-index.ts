// Package search (`npm search`, GET /-/v1/search), the index half: what the `search` view emits
// for a package document. The view emits one row per (term, package) with a compact summary as
// its value; the query half (search-query.ts) re-derives a package's terms from that summary
// alone, so a list can check the other words of a query without reading the document.
//
// Everything here is compiled into the views design doc (`_design/views`), whose index signature
// covers every byte of its views (docs/couchdb.md §13): a change here rebuilds every view index
// of the registry. Ranking, paging and what a request may ask for live in search-query.ts, which
// the views never import.
import { isForeign, type PackageDoc } from './packument';

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
/** What one package contributes to the index. `descriptionTerms`: distinct description words
 * indexed per package, after stopwords and words already indexed. */
export const INDEX_LIMITS = {
  descriptionChars: 200,
  keywords: 10,
  maintainers: 10,
  descriptionTerms: 24,
  termLength: 40,
  minPrefix: 2,
  maxPrefix: 15,
};

// Whitespace and ASCII punctuation (scope, slash, dot, dash, underscore…), plus Latin-1 symbols,
// general punctuation and CJK punctuation. Letters and digits of every script stay in words.
const SEPARATORS = /[\s!-/:-@[-`{-~\u00a0-\u00bf\u00d7\u00f7\u2000-\u206f\u3000-\u303f\uff01-\uff0f]+/;

// Left out of description words (a name part or keyword "for" still counts) and of a query's
// words (search-query.ts, queryTerms).
export const STOPWORDS = ['an', 'and', 'are', 'as', 'at', 'be', 'by', 'for', 'from', 'in', 'into', 'is', 'it', 'its',
  'of', 'on', 'or', 'that', 'the', 'this', 'to', 'with', 'you', 'your'];

/** Lowercase words of a text, in order, repeats included; over-long words are dropped. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const w of text.toLowerCase().split(SEPARATORS)) {
    if (w !== '' && w.length <= INDEX_LIMITS.termLength) out.push(w);
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
    for (let n = INDEX_LIMITS.minPrefix; n < part.length && n <= INDEX_LIMITS.maxPrefix; n++) {
      if (!isHighSurrogate(part.charCodeAt(n - 1))) note(part.slice(0, n), Match.NamePrefix);
    }
  }
  for (const keyword of s.keywords || []) {
    for (const w of words(keyword)) note(w, Match.Keyword);
  }
  let described = 0;
  for (const w of words(s.description || '')) {
    if (described >= INDEX_LIMITS.descriptionTerms) break;
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
  if (typeof description === 'string' && description.trim() !== '') s.description = truncate(description.trim(), INDEX_LIMITS.descriptionChars);
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
    if (t !== '' && t.length <= INDEX_LIMITS.termLength && out.indexOf(t) < 0) out.push(t);
    if (out.length >= INDEX_LIMITS.keywords) break;
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
    if (out.length >= INDEX_LIMITS.maintainers) break;
  }
  return out;
}
