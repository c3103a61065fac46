// GET /-/all and GET /-/all/since?startkey="2026-01-01T00:00:00.000Z" — every package changed
// since a time, keyed by name, as npm's original CouchApp listed them, over the modified view.
// Response: 200 {"_updated":1795491548000,"foo":{"name":"foo","description":…,"dist-tags":…}}.
import type { CouchRequest } from '../../src/shared/couch';

export default function (_head: unknown, _req: CouchRequest): void {
  start({ code: 200, headers: { 'Content-Type': 'application/json' } });
  send('{"_updated":' + Date.now());
  let row = getRow();
  while (row) {
    const summary = row.value as { name: string };
    send(',' + JSON.stringify(summary.name) + ':' + JSON.stringify(summary));
    row = getRow();
  }
  send('}');
}
