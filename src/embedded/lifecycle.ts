// PouchDB for one embedded server, the system databases it starts with, and an orderly stop:
// every database object opened on the server's behalf is closed (leveldb flushes on close).
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { AUTH_DDOC_ID, AUTH_VALIDATE_DOC_UPDATE } from './auth-ddoc.js';
import { ensureSecurity } from './databases.js';
import { basePouchDB } from './pouch-base.js';
import { cancelReplications, replicateThroughHttp } from './replicate.js';
import type { EmbeddedConfig } from './config.js';
import type { EpApp, PouchConstructor, PouchDatabase } from './types.js';

const require = createRequire(import.meta.url);
const { getOrCreateDB } = require('express-pouchdb/lib/create-or-delete-dbs.js');

// PouchDB's constructor events are process-wide; these are the ones plugins subscribe to.
const POUCH_EVENTS = ['created', 'destroyed', 'ref', 'unref'];


export interface PouchSetup {
  PouchDB: PouchConstructor;
  /** call once express-pouchdb's daemons have started: their listeners are this server's */
  claimListeners: () => void;
  /** closes every database this server opened and drops the listeners it claimed */
  stopTracking: () => Promise<void>;
}

/**
 * A PouchDB class for one server: leveldb files under dataDir, or memory under a fresh prefix so
 * two servers in one process never share a store. Tracks every database it opens.
 */
export function makePouchDB(dataDir: string | undefined): PouchSetup {
  const base = basePouchDB();
  const PouchDB: PouchConstructor = dataDir
    ? base.defaults({ adapter: 'leveldb', prefix: dataDir.endsWith('/') ? dataDir : `${dataDir}/` })
    : base.defaults({ adapter: 'memory', prefix: `mem-${randomBytes(6).toString('hex')}-` });
  // The `_replicator` daemon replicates through this: URLs only, never two local stores (D1, docs/stand-in.md).
  // pouchdb-security later wraps it with a check that opens the source by name as a local store
  // (a name like `../x` would become a directory outside dataDir): that wrapper is ignored.
  Object.defineProperty(PouchDB, 'replicate', { get: () => replicateThroughHttp, set: () => undefined, configurable: true });
  const before = new Map(POUCH_EVENTS.map((e) => [e, new Set(base.listeners(e))]));
  const claimed: Array<[string, (...args: any[]) => void]> = [];
  const open = new Set<PouchDatabase>();
  const onRef = (db: PouchDatabase) => {
    if (db instanceof (PouchDB as any)) open.add(db);
  };
  const onUnref = (db: PouchDatabase) => open.delete(db);
  base.on('ref', onRef);
  base.on('unref', onUnref);

  async function stopTracking(): Promise<void> {
    for (const db of [...open]) {
      // several objects may share one store; once it is closed the others report "not open"
      await db.close().catch(() => undefined);
    }
    // listeners plugins added for this server would otherwise act on the next server's dbs
    for (const [event, listener] of claimed) base.removeListener(event, listener);
  }
  function claimListeners(): void {
    for (const event of POUCH_EVENTS) {
      for (const listener of base.listeners(event)) {
        if (!before.get(event)?.has(listener)) claimed.push([event, listener]);
      }
    }
  }
  return { PouchDB, claimListeners, stopTracking };
}

/**
 * `_users` and `_replicator` start closed, as CouchDB creates them (default_security), and
 * `_users` validates with CouchDB 3.4.3's function even if an older one was stored before.
 */
export async function prepareSystemDbs(PouchDB: PouchConstructor, app: EpApp, config: EmbeddedConfig): Promise<void> {
  for (const name of [config.usersDbName(), '_replicator']) {
    const db: PouchDatabase = await app.dbWrapper.wrap(name, await getOrCreateDB(PouchDB, name));
    await ensureSecurity(db, config);
    if (name !== config.usersDbName()) continue;
    const ddoc = await db.get(AUTH_DDOC_ID).catch(() => ({ _id: AUTH_DDOC_ID, language: 'javascript' }));
    if (ddoc.validate_doc_update !== AUTH_VALIDATE_DOC_UPDATE) {
      await db.put({ ...ddoc, validate_doc_update: AUTH_VALIDATE_DOC_UPDATE });
    }
  }
}

export async function shutDown(server: Server, app: EpApp, PouchDB: PouchConstructor, stopTracking: () => Promise<void>) {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // keep-alive and long-polling connections would hold close() open indefinitely
  server.closeAllConnections();
  await closed;
  cancelReplications(app);
  const replicator = PouchDB.__dbCacheMap?.get('_replicator');
  await replicator?.stopReplicatorDaemon?.().catch(() => undefined);
  await app.daemonManager.stop(PouchDB).catch(() => undefined);
  await stopTracking();
}
