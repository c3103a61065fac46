// Show ETags as chttpd_show:show_etag computes them: one hash over the design doc's revision,
// the document's revision (or null), the Accept header and the caller's roles. A matching
// If-None-Match is answered 304 without running the show function.
import { createHash } from 'node:crypto';

export interface ShowEtagParts {
  ddocRev: string | undefined;
  docRev: string | null;
  accept: string | null;
  roles: string[];
}

export function showEtag(p: ShowEtagParts): string {
  const term = JSON.stringify([p.ddocRev ?? null, p.docRev, p.accept, p.roles]);
  return `"${createHash('md5').update(term).digest('hex')}"`;
}

/** chttpd:etag_match: If-None-Match is a comma/space separated list; weak tags count. */
export function etagMatches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(/[,\s]+/)
    .filter(Boolean)
    .some((tag) => tag.replace(/^W\//, '') === etag);
}
