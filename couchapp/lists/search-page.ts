// GET /-/v1/search/:term/page?text=…&size=…&from=…[&total=N&best=M&skip=…&limit=…]: one page of
// `npm search`, where the count route redirects. Rows: the `search` view's rows of one term
// (startkey [term], endkey [term, {}], reduce=false), value a package's search summary.
// - One term, counted (total given): the view's order is the ranking and skip/limit went to the
//   view, so only the page's rows are read.
// - Several words, or no total: every row of the term is read, filtered by the other words and
//   ranked; `total` counts the matches.
// Response: 200 {"objects":[{"package":{name,scope,version,description,keywords,date,links,publisher,
// maintainers:[{username,email}]},"score":{…},"searchScore":110}],"total":N,"time":"…"}; 302 to the
// count route when the rows at hand are not those of the query's term.
import type { CouchRequest } from '../../src/shared/couch';
import { queryString, registryBase } from '../../src/shared/request';
import { pageResult, planSearch, readAll, readPage, searchResult } from '../../src/shared/search-query';
import { answerRedirect, answerResult, rowsTerm } from '../lib/search';
import { settings, type DesignDoc } from '../lib/settings';

export default function (this: DesignDoc, _head: unknown, req: CouchRequest): string {
  const decision = planSearch({
    route: 'page',
    text: queryString(req, 'text'),
    term: queryString(req, 'term'),
    rowsTerm: rowsTerm(req),
    size: queryString(req, 'size'),
    from: queryString(req, 'from'),
    total: queryString(req, 'total'),
    best: queryString(req, 'best'),
    skip: queryString(req, 'skip'),
  });
  const publicUrl = settings(this).publicUrl;
  const base = registryBase(req, publicUrl);
  const now = new Date().toISOString();
  if (decision.kind === 'redirect') return answerRedirect(base + decision.location);
  // 'count' and 'terms' come only from their own routes.
  if (decision.kind === 'empty' || decision.kind === 'count' || decision.kind === 'terms') return answerResult({ objects: [], total: 0, time: now });
  if (decision.kind === 'page') return answerResult(pageResult(readPage(getRow, decision), decision.total, decision.best, base, now), publicUrl);
  return answerResult(searchResult(readAll(getRow, decision.plan), decision.plan, base, now), publicUrl);
}
