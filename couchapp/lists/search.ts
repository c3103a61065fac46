// GET /-/v1/search?text=…&size=…&from=… and GET /-/v1/search/:term?text=…: the count route of
// `npm search` (`--json`, `--searchlimit` = size). npm also sends quality/popularity/maintenance,
// which are ignored. Rows: the `search` view reduced by [term, match] (group_level=2) over one
// term: how many packages match it, per match kind; a handful of rows at any registry size.
// Response: 302 to <registry>/-/v1/search/<term>/page?text=…&size=…&from=…&total=N&best=M&skip=…&limit=…,
// which reads the page (lists/search-page.ts); 302 to /-/v1/search/<term>?… when the rows at hand
// are not those of the query's term (capitals, punctuation); 302 to the page route for several
// words; 200 {"objects":[],"total":N,"time":"…"} when nothing matches or `from` is past the end.
import type { CouchRequest } from '../../src/shared/couch';
import { queryString, registryBase } from '../../src/shared/request';
import { afterCount, planSearch, type SearchRow } from '../../src/shared/search';
import { answerRedirect, answerResult, rowsTerm } from '../lib/search';
import { settings, type DesignDoc } from '../lib/settings';

export default function (this: DesignDoc, _head: unknown, req: CouchRequest): string {
  const planned = planSearch({
    route: 'count',
    text: queryString(req, 'text'),
    term: queryString(req, 'term'),
    rowsTerm: rowsTerm(req),
    size: queryString(req, 'size'),
    from: queryString(req, 'from'),
  });
  const decision = planned.kind === 'count' ? afterCount(planned, readRows()) : planned;
  if (decision.kind === 'redirect') return answerRedirect(registryBase(req, settings(this).publicUrl) + decision.location);
  // The count route only counts: it never plans to read a page itself.
  return answerResult({ objects: [], total: decision.kind === 'empty' ? decision.total : 0, time: new Date().toISOString() });
}

function readRows(): SearchRow[] {
  const rows: SearchRow[] = [];
  for (let row = getRow(); row; row = getRow()) rows.push(row);
  return rows;
}
