// What the two search lists share: which term's rows a request reads, and their two answers.
import type { CouchRequest } from '../../src/shared/couch';
import { queryString } from '../../src/shared/request';
import type { SearchResult } from '../../src/shared/search';

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

export function answerResult(result: SearchResult): string {
  start({ code: 200, headers: { 'Content-Type': 'application/json' } });
  return JSON.stringify(result);
}

export function answerRedirect(location: string): string {
  start({ code: 302, headers: { Location: location, 'Content-Type': 'application/json' } });
  return JSON.stringify({ ok: true, location: location });
}
