// GET /-/by-user/:user — packages a user maintains, as npm's original CouchApp listed them.
// Response: 200 {"alice":["foo","@sc/bar"]}.
import type { CouchRequest } from '../../src/shared/couch';
import { queryString } from '../../src/shared/request';

export default function (_head: unknown, req: CouchRequest): void {
  start({ code: 200, headers: { 'Content-Type': 'application/json' } });
  const user = queryString(req, 'user') || '';
  const names: string[] = [];
  let row = getRow();
  while (row) {
    names.push(String(row.value));
    row = getRow();
  }
  const out: Record<string, string[]> = {};
  out[user] = names;
  send(JSON.stringify(out));
}
