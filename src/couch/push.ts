// Pushes a built design document with couchdb-push, which writes nothing when the stored document
// is already the same. couchdb-push reads its source from disk, so the document goes through a
// private temporary file that is removed at once (the `_users` design doc holds the token key).
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import type { Couch } from './client';
import { CouchError } from './client';
import type { DesignDocJson } from '../ddoc/build';

const require = createRequire(import.meta.url);
const push: (db: string, source: string, cb: (err: unknown, res: { rev?: string; unchanged?: boolean }) => void) => void = require('couchdb-push');

export async function pushDesignDoc(couch: Couch, db: string, doc: DesignDocJson, log: (line: string) => void): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'couch-registry-'));
  const file = join(dir, 'ddoc.json');
  try {
    writeFileSync(file, JSON.stringify(doc), { mode: 0o600 });
    const dbUrl = couch.target.url.href.replace(/\/+$/, '') + '/' + encodeURIComponent(db);
    const once = () => new Promise<{ rev?: string; unchanged?: boolean }>((resolve, reject) => {
      push(dbUrl, file, (err, r) => (err ? reject(err) : resolve(r)));
    });
    let res: { rev?: string; unchanged?: boolean };
    for (let attempt = 1; ; attempt++) {
      try {
        res = await once();
        break;
      } catch (e) {
        // Two setups at once (several registries on one server) race on the shared _users design
        // doc; the loser reads it again and finds it unchanged or pushes over the new revision.
        if ((e as { statusCode?: number }).statusCode !== 409 || attempt >= 5) throw e;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
    log(res.unchanged ? db + '/' + doc._id + ' unchanged' : 'pushed ' + db + '/' + doc._id + ' (' + res.rev + ')');
  } catch (e) {
    if (e instanceof CouchError) throw e;
    const err = e as { statusCode?: number; reason?: string; message?: string };
    throw new CouchError('Could not push ' + doc._id + ' to ' + db + ': ' + (err.statusCode ? err.statusCode + ' ' : '') + (err.reason || err.message || String(e)));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
