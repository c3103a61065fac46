// GET /-/v1/search?text=…&size=…&from=… and GET /-/v1/search/:term?text=… — `npm search`,
// `npm search --json`, `--searchlimit` (size). npm also sends quality/popularity/maintenance,
// which are ignored. Rows: the `search` view's rows of one term (startkey [term], endkey [term, {}]).
// Response: 200 {"objects":[{"package":{name,version,description,keywords,date,links,publisher,
// maintainers:[{username,email}]},"score":{…},"searchScore":110}],"total":1,"time":"…"};
// 302 to <registry>/-/v1/search/<term>?text=… when the rows at hand are not those of the query's
// lookup term (several words, capitals, punctuation); an empty query answers an empty result.
import type { CouchRequest } from '../../src/shared/couch';
import { queryString, registryBase } from '../../src/shared/request';
import { matchRow, planSearch, searchResult, type SearchMatch } from '../../src/shared/search';
import { settings, type DesignDoc } from '../lib/settings';

export default function (this: DesignDoc, _head: unknown, req: CouchRequest): string {
  const decision = planSearch({
    text: queryString(req, 'text'),
    term: queryString(req, 'term'),
    rowsTerm: rowsTerm(req),
    size: queryString(req, 'size'),
    from: queryString(req, 'from'),
  });
  const base = registryBase(req, settings(this).publicUrl);
  if (decision.kind === 'redirect') {
    start({ code: 302, headers: { Location: base + decision.location, 'Content-Type': 'application/json' } });
    return JSON.stringify({ ok: true, location: base + decision.location });
  }
  start({ code: 200, headers: { 'Content-Type': 'application/json' } });
  const now = new Date().toISOString();
  if (decision.kind === 'empty') return JSON.stringify(searchResult([], decision.page, base, now));
  const matches: SearchMatch[] = [];
  let row = getRow();
  while (row) {
    const m = matchRow(row, decision.plan);
    if (m) matches.push(m);
    row = getRow();
  }
  return JSON.stringify(searchResult(matches, decision.plan, base, now));
}

/** The first element of the startkey the route bound: the term whose rows this request reads. */
function rowsTerm(req: CouchRequest): string | undefined {
  const raw = queryString(req, 'startkey');
  if (raw === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(raw);
    return Object.prototype.toString.call(key) === '[object Array]' && typeof (key as unknown[])[0] === 'string' ? (key as string[])[0] : undefined;
  } catch {
    return undefined;
  }
}
