// GET /-/user/:user/package — `npm access list packages [user]`, over the by-maintainer view
// with key=":user". Response: 200 {"foo":"write","@sc/bar":"write"}.
import type { CouchRequest } from '../../src/shared/couch';

export default function (_head: unknown, _req: CouchRequest): void {
  start({ code: 200, headers: { 'Content-Type': 'application/json' } });
  const out: Record<string, string> = {};
  let row = getRow();
  while (row) {
    out[String(row.value)] = 'write';
    row = getRow();
  }
  send(JSON.stringify(out));
}
