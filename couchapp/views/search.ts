// View `search`, read by the `search` list for GET /-/v1/search (`npm search`).
// One row per (term, package): key [term, match] (match 0 = the whole name … 4 = a description
// word, see Match), value the package's search summary, so the list renders results without
// include_docs. A term's rows are one key range: startkey [term], endkey [term, {}].
// Reduced (`_count`, group_level=2) it says how many packages a term matches, per match kind:
// the count route of search reads that, the page route reads rows with reduce=false.
// Example: express-session → ["express", 1], ["expr", 2], ["session", 1], ["middleware", 3], …
import type { PackageDoc } from '../../src/shared/packument';
import { searchRows } from '../../src/shared/search-index';

export function map(doc: PackageDoc): void {
  const rows = searchRows(doc);
  for (let i = 0; i < rows.length; i++) emit(rows[i].key, rows[i].value);
}

export const reduce = '_count';
