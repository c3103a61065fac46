// A registry of the benchmark's own: a fresh database `bench-<random>` set up exactly as
// `couch-registry setup` does it, and a user signed up the way `npm adduser` does (the token comes
// back from PUT /-/user/org.couchdb.user:NAME). Both are removed again by the cleanup.
import { randomBytes } from 'node:crypto';
import { Couch } from '../couch/client';
import { setupDatabase, type ServerSetup } from '../couch/setup';
import { nameSegment } from '../shared/package-name';
import { answerSummary, bearer, timedFetch } from './http';
import type { Log } from './progress';

export interface BenchRegistry {
  db: string;
  /** The URL npm is given, with its trailing slash. */
  url: string;
  /** The server without credentials, for plain document and attachment GETs. */
  origin: string;
}

export interface BenchUser {
  name: string;
  token: string;
}

export function randomDbName(): string {
  return 'bench-' + randomBytes(4).toString('hex');
}

export async function createRegistry(couch: Couch, server: ServerSetup, db: string, log: Log): Promise<BenchRegistry> {
  const url = await setupDatabase(couch, server, { db }, (line) => log('  setup: ' + line));
  return { db, url, origin: couch.target.origin };
}

export async function dropDatabase(couch: Couch, db: string): Promise<void> {
  await couch.request('DELETE', encodeURIComponent(db), undefined, { allow404: true });
}

/** Signs a new user up through the registry and checks that CouchDB accepts its token. */
export async function signUp(reg: BenchRegistry): Promise<BenchUser> {
  const name = 'bench-' + randomBytes(4).toString('hex');
  const id = 'org.couchdb.user:' + name;
  const body = { _id: id, name, password: randomBytes(12).toString('hex'), email: name + '@bench.example', type: 'user', roles: [], date: new Date().toISOString() };
  const r = await timedFetch(reg.url + '-/user/' + encodeURIComponent(id), { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  let token: unknown;
  try { token = JSON.parse(r.text).token; } catch { token = undefined; }
  if (r.status !== 201 || typeof token !== 'string') {
    throw new Error('Signing up the benchmark user failed (' + answerSummary(r) + '). The registry at ' + reg.url + ' is not answering `npm adduser`; `npm test` should show why.');
  }
  const who = await timedFetch(reg.url + '-/whoami', { headers: bearer(token) });
  let username: unknown;
  try { username = JSON.parse(who.text).username; } catch { username = undefined; }
  if (who.status !== 200 || username !== name) {
    throw new Error('CouchDB does not accept the registry\'s tokens (GET /-/whoami with the token answered ' + answerSummary(who) + '). ' +
      'Its JWT handler or key is missing: run `npm run setup -- --couch URL`, which adds them and restarts the nodes.');
  }
  return { name, token };
}

export async function deleteUser(couch: Couch, name: string): Promise<void> {
  const path = '_users/' + encodeURIComponent('org.couchdb.user:' + name);
  const doc = await couch.request('GET', path, undefined, { allow404: true });
  if (doc && doc._rev) await couch.request('DELETE', path, undefined, { qs: { rev: doc._rev } });
}

/** Publishes one version by direct HTTP PUT, as npm would; throws with the registry's reason. */
export async function putVersion(reg: BenchRegistry, user: BenchUser, name: string, body: unknown): Promise<number> {
  const r = await timedFetch(reg.url + nameSegment(name), {
    method: 'PUT',
    headers: { ...bearer(user.token), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (r.status !== 201) throw new Error('Publishing ' + name + ' by PUT failed: ' + answerSummary(r) + '.');
  return r.ms;
}
