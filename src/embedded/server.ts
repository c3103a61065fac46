// The embedded stand-in for CouchDB 3.4: express-pouchdb 4.2.0 on PouchDB 9 in fullCouchDB mode,
// patched (see patch.ts and parts.ts) where the registry's security or protocol depends on
// CouchDB's behaviour. Used by `npm start` and by tests on machines without CouchDB.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { mkdir } from 'node:fs/promises';
import { devNull } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { EmbeddedConfig } from './config.js';
import { checkPartsRan, installModulePatches } from './patch.js';
import { PART_HOOKS } from './parts.js';
import { adminPassword } from './admin-secret.js';
import { makePouchDB, prepareSystemDbs, shutDown } from './lifecycle.js';
import { watchRejections } from './rejections.js';
import type { EmbeddedContext, EpApp } from './types.js';

const require = createRequire(import.meta.url);

export interface EmbeddedOptions {
  /** 0 (the default) picks a free port */
  port?: number;
  host?: string;
  /** leveldb files, config.json and admin.json live here */
  dataDir?: string;
  /** keep everything in memory (the default when no dataDir is given) */
  memory?: boolean;
  log?: (line: string) => void;
}

export interface EmbeddedServer {
  /** "http://127.0.0.1:PORT/", without credentials */
  url: string;
  /** "http://admin:PASS@127.0.0.1:PORT/" */
  adminUrl: string;
  port: number;
  /**
   * Serves requests under `prefix` with `handler` instead of CouchDB's API (the pull-through
   * service, which `npm start` hosts in-process). The handler resolves false for a path it
   * does not serve.
   */
  mount(prefix: string, handler: ExtraHandler): void;
  close(): Promise<void>;
}

export type ExtraHandler = (req: IncomingMessage, res: ServerResponse) => Promise<boolean>;

export const ADMIN_NAME = 'admin';

async function configure(config: EmbeddedConfig, password: string): Promise<void> {
  // exactly one server admin, whatever an earlier run left in the persisted config
  await config.clearSection('admins');
  await config.set('admins', ADMIN_NAME, password);
  if (!config.get('couchdb', 'uuid')) await config.set('couchdb', 'uuid', randomBytes(16).toString('hex'));
  // persisted, so cookie sessions survive a restart as they do with CouchDB
  if (!config.isExplicit('couch_httpd_auth', 'secret')) {
    await config.set('couch_httpd_auth', 'secret', randomBytes(16).toString('hex'));
  }
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}

export async function startEmbedded(opts: EmbeddedOptions = {}): Promise<EmbeddedServer> {
  installModulePatches(PART_HOOKS);
  const log = opts.log ?? (() => undefined);
  const host = opts.host ?? '127.0.0.1';
  const dataDir = opts.memory || !opts.dataDir ? undefined : opts.dataDir;
  if (dataDir) await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const password = await adminPassword(dataDir);
  const configFile = dataDir ? join(dataDir, 'config.json') : undefined;

  const context: EmbeddedContext = { log };
  const expressPouchDB = require('express-pouchdb');
  const app: EpApp = expressPouchDB({
    mode: 'fullCouchDB',
    // CouchDB does not compress responses, and compression rewrites the Vary header shows set
    overrideMode: { exclude: ['compression'] },
    configPath: configFile,
    inMemoryConfig: !configFile,
    logPath: devNull,
    couchRegistry: context,
  });
  checkPartsRan(app);
  const config = new EmbeddedConfig(app.couchConfig, configFile);
  context.config = config;
  await configure(config, password);

  // servers in one process share PouchDB's constructor events: start them one at a time
  const { PouchDB, claimListeners, stopTracking } = makePouchDB(dataDir);
  const mounts: Array<{ prefix: string; handler: ExtraHandler }> = [];
  const server = createServer((req, res) => {
    const path = (req.url || '/').split('?')[0];
    const mount = mounts.find((m) => path === m.prefix || path.startsWith(m.prefix + '/'));
    if (!mount) return void app(req, res);
    mount.handler(req, res).then((served) => {
      if (!served) app(req, res);
    }, () => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  let port: number;
  try {
    await app.setPouchDB(PouchDB).finally(claimListeners);
    await prepareSystemDbs(PouchDB, app, config);
    port = await listen(server, opts.port ?? 0, host);
  } catch (err) {
    // a taken port, say: release the databases opened so far before reporting it
    await shutDown(server, app, PouchDB, stopTracking).catch(() => undefined);
    throw err;
  }
  // a rejection must be visible even when the caller passed no logger
  const stopWatching = watchRejections(opts.log ?? ((line) => process.stderr.write(`${line}\n`)));
  const urlHost = host.includes(':') ? `[${host}]` : host;
  log(`couch-registry embedded CouchDB listening on http://${urlHost}:${port}/ (${dataDir ?? 'in memory'})`);

  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${port}/`,
    adminUrl: `http://${ADMIN_NAME}:${encodeURIComponent(password)}@${urlHost}:${port}/`,
    port,
    mount: (prefix, handler) => {
      mounts.push({ prefix: prefix.replace(/\/+$/, ''), handler });
    },
    close: () => {
      closing ??= shutDown(server, app, PouchDB, stopTracking).finally(stopWatching);
      return closing;
    },
  };
}
