// GET /-/v1/search?text=…&size=…&from=… and GET /-/v1/search/:term?text=…: the count route of
// `npm search` (`--json`, `--searchlimit` = size). npm also sends quality/popularity/maintenance,
// which are ignored. Rows: the `search` view reduced by [term, match] (group_level=2) over one
// term: how many packages match it, per match kind; a handful of rows at any registry size.
// Response: 302 to <registry>/-/v1/search/<term>/page?text=…&size=…&from=…&total=N&best=M&skip=…&limit=…,
// which reads the page (lists/search-page.ts); 302 to /-/v1/search/<term>?… when the rows at hand
// are not those of the query's term (capitals, punctuation); 302 to /-/v1/search/-/terms?keys=…
// for several words (lists/search-terms.ts); 200 {"objects":[],"total":N,"time":"…"} when nothing
// matches or `from` is past the end.
import type { CouchRequest } from '../../src/shared/couch';
import { answerCounted } from '../lib/search';
import type { DesignDoc } from '../lib/settings';

export default function (this: DesignDoc, _head: unknown, req: CouchRequest): string {
  return answerCounted(this, req, 'count');
}
