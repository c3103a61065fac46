// What the search lists share: which term's rows a request reads, the two routes that count
// before they redirect, and their answers.
import type { CouchRequest } from '../../src/shared/couch';
import { baseHeaders, queryString, registryBase } from '../../src/shared/request';
import { afterCount, afterTerms, planSearch, type SearchResult, type SearchRow } from '../../src/shared/search-query';
import { settings, type DesignDoc } from './settings';

/**
 * The count route (one word) and the terms route (several words): read the reduced rows, then
 * redirect to the page route, or answer an empty page when nothing is there to show.
 */
export function answerCounted(ddoc: DesignDoc, req: CouchRequest, route: 'count' | 'terms'): string {
  const planned = planSearch({
    route: route,
    text: queryString(req, 'text'),
    term: queryString(req, 'term'),
    rowsTerm: rowsTerm(req),
    size: queryString(req, 'size'),
    from: queryString(req, 'from'),
    keys: queryString(req, 'keys'),
  });
  const decision = planned.kind === 'count' ? afterCount(planned, readRows()) : planned.kind === 'terms' ? afterTerms(planned, readRows()) : planned;
  if (decision.kind === 'redirect') return answerRedirect(registryBase(req, settings(ddoc).publicUrl) + decision.location);
  // These routes only count: reading a page is the page route's job.
  return answerResult({ objects: [], total: decision.kind === 'empty' ? decision.total : 0, time: new Date().toISOString() });
}

function readRows(): SearchRow[] {
  const rows: SearchRow[] = [];
  for (let row = getRow(); row; row = getRow()) rows.push(row);
  return rows;
}

/** The first element of the startkey the route bound: the term whose rows this request reads. */
export function rowsTerm(req: CouchRequest): string | undefined {
  const raw = queryString(req, 'startkey');
  if (raw === undefined) return undefined;
  try {
    const key: unknown = JSON.parse(raw);
    return Object.prototype.toString.call(key) === '[object Array]' && typeof (key as unknown[])[0] === 'string' ? (key as string[])[0] : undefined;
  } catch {
    return undefined;
  }
}

/** A page of results; its package links follow the request's host unless --public-url is set (see baseHeaders). */
export function answerResult(result: SearchResult, publicUrl?: string): string {
  const headers = baseHeaders(publicUrl);
  headers['Content-Type'] = 'application/json';
  start({ code: 200, headers: headers });
  return JSON.stringify(result);
}

export function answerRedirect(location: string): string {
  start({ code: 302, headers: { Location: location, 'Content-Type': 'application/json' } });
  return JSON.stringify({ ok: true, location: location });
}
