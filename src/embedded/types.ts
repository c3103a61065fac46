// The slice of express-pouchdb and PouchDB internals the embedded server touches. Neither
// package ships types, so these describe only what src/embedded relies on.
import type { Application, Request } from 'express';
import type { EmbeddedConfig } from './config.js';

export interface UserCtx {
  name: string | null;
  roles: string[];
}

export interface SecurityObject {
  admins?: { names?: string[]; roles?: string[] };
  members?: { names?: string[]; roles?: string[] };
  [key: string]: unknown;
}

export interface CouchDoc {
  _id: string;
  _rev?: string;
  [key: string]: unknown;
}

/** Options the express-pouchdb wrappers read: who is asking, and the db's _security. */
export interface AccessOptions {
  userCtx?: UserCtx & { db?: string };
  secObj?: SecurityObject;
  [key: string]: unknown;
}

export interface PouchDatabase {
  name: string;
  get(id: string, opts?: AccessOptions): Promise<any>;
  put(doc: CouchDoc, opts?: AccessOptions): Promise<{ ok: boolean; id: string; rev: string }>;
  remove(id: string, rev: string, opts?: AccessOptions): Promise<{ ok: boolean; id: string; rev: string }>;
  info(opts?: AccessOptions): Promise<{ db_name: string; update_seq: unknown; [key: string]: unknown }>;
  query(fun: string, opts?: AccessOptions): Promise<any>;
  getAttachment(id: string, att: string, opts?: AccessOptions): Promise<Buffer>;
  getSecurity(opts?: AccessOptions): Promise<SecurityObject>;
  putSecurity(sec: SecurityObject, opts?: AccessOptions): Promise<unknown>;
  close(): Promise<void>;
  stopReplicatorDaemon?(): Promise<void>;
}

export interface PouchConstructor {
  new (name: string, opts?: object): PouchDatabase;
  allDbs(): Promise<string[]>;
  on(event: string, listener: (...args: any[]) => void): void;
  removeListener(event: string, listener: (...args: any[]) => void): void;
  listeners(event: string): Array<(...args: any[]) => void>;
  __dbCacheMap?: Map<string, PouchDatabase>;
}

export interface CouchSession {
  ok: boolean;
  userCtx: UserCtx & { db?: string };
  info: { authentication_handlers?: string[]; authenticated?: string; authentication_db?: string };
}

/** express-pouchdb decorates each request with these as it routes it. */
export type CouchRequest = Request & {
  couchSession?: CouchSession;
  db?: PouchDatabase;
  couchSecurityObj?: SecurityObject;
  PouchDB: PouchConstructor;
  rawBody?: Buffer;
  /** how many times this request was rewritten (CouchDB's rewrite_limit) */
  couchRewrites?: number;
};

/** express-pouchdb's CouchConfig: values are typed as registered, persisted to a JSON file. */
export interface CouchConfigStore {
  get(section: string, key: string): unknown;
  getSection(section: string): Record<string, string>;
  getAll(): Record<string, Record<string, string>>;
  set(section: string, key: string, value: unknown, cb: (err: unknown, old: unknown) => void): void;
  delete(section: string, key: string, cb: (err: unknown, old: unknown) => void): void;
  registerDefault(section: string, key: string, value: unknown): void;
  _defaults: Record<string, Record<string, unknown>>;
  _config: Record<string, Record<string, unknown>>;
}

/** Per-server state the express-pouchdb part hooks read back from the app they are mounted on. */
export interface EmbeddedContext {
  log: (line: string) => void;
  config?: EmbeddedConfig;
  /** live replications started through `_replicate`, by replication id */
  replications?: Map<string, { owner: string | null; replication: { cancel(): void } }>;
}

export interface EpApp extends Application {
  opts: { couchRegistry: EmbeddedContext; [key: string]: unknown };
  couchConfig: CouchConfigStore;
  couchLogger: { _write(level: string, message: string): void; [key: string]: unknown };
  dbWrapper: {
    wrap(name: string, db: PouchDatabase): Promise<PouchDatabase>;
    _wrappers: Array<(name: string, db: PouchDatabase, next: () => unknown) => unknown>;
  };
  daemonManager: {
    stop(P: PouchConstructor): Promise<void>;
    registerDaemon(daemon: { start?: (P: PouchConstructor) => unknown; stop?: (P: PouchConstructor) => unknown }): void;
  };
  setPouchDB(P: PouchConstructor): Promise<void>;
  _router: { stack: Array<{ handle: (...args: any[]) => unknown; route?: unknown }> };
}

export function contextOf(app: Application): EmbeddedContext {
  return (app as EpApp).opts.couchRegistry;
}

/** The config of the server a request belongs to; set before the server accepts requests. */
export function configOf(req: Request): EmbeddedConfig {
  const config = contextOf(req.app).config;
  if (!config) throw new Error('embedded server config is not ready');
  return config;
}
