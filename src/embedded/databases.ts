// PUT /:db as CouchDB 3.4 does it: names are validated, and a new database gets the default
// security object (`[couchdb] default_security = admin_only`: members and admins are `_admin`),
// so it is closed until someone writes its `_security`. express-pouchdb left new dbs public.
import type { Request, Response } from 'express';
import { createRequire } from 'node:module';
import { CouchError, sendCouchError, sendJson } from './errors.js';
import { configOf, type CouchRequest, type EpApp, type PouchConstructor, type PouchDatabase, type SecurityObject } from './types.js';
import type { EmbeddedConfig } from './config.js';

const require = createRequire(import.meta.url);
const cleanFilename: (name: string) => string = require('express-pouchdb/lib/clean-filename.js');
const { getOrCreateDB } = require('express-pouchdb/lib/create-or-delete-dbs.js');

const DB_NAME = /^[a-z][a-z0-9_$()+/-]*$/;
// couch_db: names CouchDB accepts although they start with an underscore
const SYSTEM_DBS = ['_users', '_replicator', '_global_changes'];

export const ADMIN_ONLY_SECURITY: SecurityObject = { members: { roles: ['_admin'] }, admins: { roles: ['_admin'] } };

export function defaultSecurity(config: EmbeddedConfig): SecurityObject | null {
  const mode = config.get('couchdb', 'default_security') ?? 'admin_only';
  return mode === 'everyone' ? null : ADMIN_ONLY_SECURITY;
}

/** Gives a database without `_security` the default one (used for the system dbs at start). */
export async function ensureSecurity(db: PouchDatabase, config: EmbeddedConfig): Promise<void> {
  const current = await db.getSecurity();
  const fallback = defaultSecurity(config);
  if (fallback && Object.keys(current ?? {}).length === 0) await db.putSecurity(fallback);
}

/** couch_db:validate_dbname: the pattern, or one of the system databases. */
export function isLegalDbName(name: string): boolean {
  return DB_NAME.test(name) || SYSTEM_DBS.includes(name);
}

export function illegalDbName(name: string): CouchError {
  return new CouchError(
    400,
    'illegal_database_name',
    `Name: '${name}'. Only lowercase characters (a-z), digits (0-9), and any of the characters _, $, (, ), +, -, and / are allowed. Must begin with a letter.`,
  );
}

async function createDb(req: CouchRequest, res: Response): Promise<void> {
  const name = String(req.params.db);
  if (!isLegalDbName(name)) throw illegalDbName(name);
  const clean = cleanFilename(name);
  const PouchDB: PouchConstructor = req.PouchDB;
  if ((await PouchDB.allDbs()).includes(clean)) {
    throw new CouchError(412, 'file_exists', 'The database could not be created, the file already exists.');
  }
  const raw: PouchDatabase = await getOrCreateDB(PouchDB, clean);
  await raw.info();
  const db = await (req.app as EpApp).dbWrapper.wrap(clean, raw);
  const security = defaultSecurity(configOf(req));
  if (security) await db.putSecurity(security);
  res.setHeader('Location', `${req.protocol}://${req.get('host')}/${encodeURIComponent(name)}`);
  sendJson(res, 201, { ok: true });
}

/** Registered ahead of express-pouchdb's own PUT /:db; server-admin rights were checked already. */
export function registerDatabaseCreation(app: EpApp): void {
  app.put('/:db', (req: Request, res: Response) => {
    createDb(req as CouchRequest, res).catch((err) => sendCouchError(req, res, err));
  });
}
