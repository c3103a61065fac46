// Passwords as CouchDB 3.4 stores and checks them (couch_users_db:save_doc, couch_httpd_auth:
// authenticate, couch_passwords, couch_passwords_cache). pouchdb-auth hashed with 10 rounds of
// PBKDF2-SHA1 in JavaScript, which makes a leaked hash instant to crack; CouchDB 3.4 defaults to
// PBKDF2-SHA256 with 600,000 iterations (`[chttpd_auth] password_scheme`, `pbkdf2_prf`,
// `iterations`) and verifies every scheme and PRF it ever wrote. A verified password is
// remembered, as CouchDB's password cache does, as a 5-iteration hash keyed by user and salt, so
// Basic auth on every request does not pay for the slow hash again.
import { createHash, pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { CouchError } from './errors.js';
import type { EmbeddedConfig } from './config.js';
import type { CouchDoc } from './types.js';

const pbkdf2Async = promisify(pbkdf2);

export const DEFAULT_ITERATIONS = 600_000;
const PRFS: Record<string, { digest: string; size: number }> = {
  sha: { digest: 'sha1', size: 20 },
  sha224: { digest: 'sha224', size: 28 },
  sha256: { digest: 'sha256', size: 32 },
  sha384: { digest: 'sha384', size: 48 },
  sha512: { digest: 'sha512', size: 64 },
};
const PASSWORD_FIELDS = ['derived_key', 'iterations', 'password', 'password_scheme', 'password_sha', 'preserve_salt', 'pbkdf2_prf', 'salt'];

/**
 * A `[chttpd_auth]` setting an operator (or CouchDB's default.ini) chose. express-pouchdb
 * registers defaults of its own (`iterations = 10`), which CouchDB does not have: those are
 * ignored.
 */
function authSetting(config: EmbeddedConfig, key: string): string | undefined {
  for (const section of ['chttpd_auth', 'couch_httpd_auth']) {
    if (config.isExplicit(section, key)) return config.get(section, key);
  }
  return undefined;
}

function intSetting(config: EmbeddedConfig, key: string, fallback: number): number {
  const value = Number.parseInt(authSetting(config, key) ?? '', 10);
  return Number.isNaN(value) ? fallback : value;
}

/** couch_uuids:random(): 32 hex digits. */
const newSalt = () => randomBytes(16).toString('hex');

export async function derive(prf: string, password: string, salt: string, iterations: number): Promise<string> {
  const p = PRFS[prf];
  return (await pbkdf2Async(password, salt, iterations, p.size, p.digest)).toString('hex');
}

/**
 * save_doc: a doc carrying `password` gets CouchDB's password fields instead, in front of the
 * rest of the body; a doc without one (or with `password: null`) is stored as it is.
 */
export async function hashPasswordField(doc: CouchDoc, config: EmbeddedConfig): Promise<void> {
  const password = doc.password;
  if (password === undefined || password === null) return;
  if (typeof password !== 'string') throw new CouchError(403, 'forbidden', `Password value of '${JSON.stringify(password)}' is invalid.`);
  const scheme = authSetting(config, 'password_scheme') ?? 'pbkdf2';
  const salt = doc.preserve_salt === true && typeof doc.salt === 'string' ? doc.salt : newSalt();
  let fields: Record<string, unknown>;
  if (scheme === 'simple') {
    fields = { password_scheme: 'simple', salt, password_sha: createHash('sha1').update(password + salt).digest('hex') };
  } else if (scheme === 'pbkdf2') {
    const prf = authSetting(config, 'pbkdf2_prf') ?? 'sha256';
    if (!Object.prototype.hasOwnProperty.call(PRFS, prf)) throw new CouchError(403, 'forbidden', 'Server cannot hash passwords at this time.');
    const iterations = intSetting(config, 'iterations', DEFAULT_ITERATIONS);
    fields = { password_scheme: 'pbkdf2', pbkdf2_prf: prf, salt, iterations, derived_key: await derive(prf, password, salt, iterations) };
  } else {
    throw new CouchError(403, 'forbidden', 'Server cannot hash passwords at this time.');
  }
  const rest = Object.entries(doc).filter(([k]) => !PASSWORD_FIELDS.includes(k));
  for (const key of Object.keys(doc)) delete doc[key];
  // the doc record's members first, then the password fields, then the body (CouchDB's order)
  for (const [k, v] of rest) if (k.startsWith('_')) doc[k] = v;
  Object.assign(doc, fields);
  for (const [k, v] of rest) if (!k.startsWith('_')) doc[k] = v;
}

function sameHex(a: unknown, b: string): boolean {
  if (typeof a !== 'string' || a.length !== b.length) return false;
  return timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/** authenticate_int: whether `password` is the one `userDoc` was saved with. */
export async function checkPassword(userDoc: CouchDoc, password: string, config: EmbeddedConfig): Promise<boolean> {
  const salt = typeof userDoc.salt === 'string' ? userDoc.salt : '';
  const scheme = userDoc.password_scheme ?? 'simple';
  if (scheme === 'simple') return sameHex(userDoc.password_sha, createHash('sha1').update(password + salt).digest('hex'));
  if (scheme !== 'pbkdf2') return false;
  const prf = typeof userDoc.pbkdf2_prf === 'string' ? userDoc.pbkdf2_prf : 'sha';
  if (!Object.prototype.hasOwnProperty.call(PRFS, prf)) throw new CouchError(403, 'forbidden', 'PRF is invalid');
  const iterations = userDoc.iterations === undefined ? 10000 : userDoc.iterations;
  if (typeof iterations !== 'number' || !Number.isInteger(iterations) || iterations < 1) return false;
  if (iterations < intSetting(config, 'min_iterations', 1)) throw new CouchError(403, 'forbidden', 'Iteration count is too low for this server');
  if (iterations > intSetting(config, 'max_iterations', 1_000_000_000)) throw new CouchError(403, 'forbidden', 'Iteration count is too high for this server');
  return sameHex(userDoc.derived_key, await derive(prf, password, salt, iterations));
}

// couch_passwords_cache: max_objects 10,000, entries dropped after 600 s without use.
const FAST_ITERATIONS = 5;
const cache = new Map<string, { hash: string; used: number }>();

function cacheSettings(config: EmbeddedConfig) {
  return {
    enabled: config.bool('couch_passwords_cache', 'enable', true),
    maxObjects: config.int('couch_passwords_cache', 'max_objects', 10_000),
    maxIdle: config.int('couch_passwords_cache', 'max_idle', 600_000),
  };
}

/** couch_httpd_auth:authenticate with the password cache in front of the slow hash. */
export async function authenticate(realm: string, userDoc: CouchDoc, password: string, config: EmbeddedConfig): Promise<boolean> {
  const name = String(userDoc.name);
  const salt = typeof userDoc.salt === 'string' ? userDoc.salt : '';
  const settings = cacheSettings(config);
  // the salt is part of the key: a new password has a new salt, and the old entry never matches
  const key = JSON.stringify([realm, name, salt]);
  const now = Date.now();
  const cached = settings.enabled ? cache.get(key) : undefined;
  if (cached && now - cached.used <= settings.maxIdle) {
    cached.used = now;
    cache.delete(key);
    cache.set(key, cached);
    return sameHex(cached.hash, await derive('sha256', password, salt, FAST_ITERATIONS));
  }
  if (cached) cache.delete(key);
  const ok = await checkPassword(userDoc, password, config);
  if (ok && settings.enabled) {
    cache.set(key, { hash: await derive('sha256', password, salt, FAST_ITERATIONS), used: now });
    while (cache.size > settings.maxObjects) cache.delete(cache.keys().next().value as string);
  }
  return ok;
}

/**
 * couch_passwords:hash_admin_password: `-pbkdf2:PRF-KEY,SALT,ITERATIONS` (pouchdb-auth wrote
 * `-pbkdf2-KEY,SALT,10` with SHA1). Values that are hashed already are kept as they are.
 */
export async function hashAdminPasswords(admins: Record<string, string>): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(admins)) {
    if (/^-(hashed|pbkdf2(:[a-z0-9]+)?)-/.test(value)) {
      out[name] = value;
      continue;
    }
    const salt = newSalt();
    out[name] = '-pbkdf2:sha256-' + (await derive('sha256', value, salt, DEFAULT_ITERATIONS)) + ',' + salt + ',' + DEFAULT_ITERATIONS;
  }
  return out;
}

/** The `[admins]` entries as user documents authenticate() can check, in every CouchDB form. */
export function parseAdmins(admins: Record<string, string>): Record<string, CouchDoc> {
  const out: Record<string, CouchDoc> = {};
  for (const [name, value] of Object.entries(admins)) {
    const doc: CouchDoc = { _id: 'org.couchdb.user:' + name, name, roles: ['_admin'] };
    let m = /^-pbkdf2(?::([a-z0-9]+))?-([0-9a-f]+),([^,]+),(\d+)$/.exec(value);
    if (m) {
      out[name] = { ...doc, password_scheme: 'pbkdf2', pbkdf2_prf: m[1] ?? 'sha', derived_key: m[2], salt: m[3], iterations: Number(m[4]) };
      continue;
    }
    m = /^-hashed-([0-9a-f]+),(.+)$/.exec(value);
    if (m) out[name] = { ...doc, password_scheme: 'simple', password_sha: m[1], salt: m[2] };
  }
  return out;
}
