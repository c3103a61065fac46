// A registry of its own for one test file: a fresh database on the run's backend, set up with
// the same code as `couch-registry setup`.
import { expect, inject } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Couch } from '../../src/couch/client';
import { setupDatabase, setupServer, type DatabaseOptions } from '../../src/couch/setup';
import { NpmUser } from '../../src/npm/client';

export interface TestRegistry {
  /** The URL npm is given, with its trailing slash. */
  url: string;
  db: string;
  adminUrl: string;
  couch: Couch;
  backend: 'url' | 'couchdb' | 'docker' | 'embedded';
  /** The server's plain URL (no credentials), e.g. for a plain document GET. */
  origin: string;
}

export function backendKind(): TestRegistry['backend'] {
  return inject('couch').kind;
}

export async function createRegistry(label: string, opts: Partial<DatabaseOptions> = {}): Promise<TestRegistry> {
  const { adminUrl, kind } = inject('couch');
  const couch = new Couch(adminUrl);
  const server = await setupServer(couch, () => undefined);
  const db = 't-' + label.toLowerCase().replace(/[^a-z0-9]+/g, '-') + '-' + randomBytes(3).toString('hex');
  const url = await setupDatabase(couch, server, { db, ...opts }, () => undefined);
  return { url, db, adminUrl, couch, backend: kind, origin: couch.target.origin };
}

/** A document of the registry database as stored (admin read, attachment stubs and all), or null. */
export async function storedDoc(reg: TestRegistry, id: string): Promise<any> {
  return reg.couch.request('GET', reg.db + '/' + encodeURIComponent(id), undefined, { allow404: true });
}

/** A plain HTTP request against the registry, the way a client other than npm would send it. */
export async function http(url: string, init: RequestInit & { json?: unknown } = {}): Promise<{ status: number; headers: Headers; text: string; json: any }> {
  const headers = new Headers(init.headers);
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers.set('content-type', 'application/json');
  }
  const res = await fetch(url, { ...init, headers, body, redirect: 'manual' });
  const text = await res.text();
  let json: unknown;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

/**
 * A user name unique to this test run: every registry on a server shares one `_users`, and test
 * files run in parallel (and again against the same COUCHDB_URL), so "alice" must not collide.
 */
export function uniqueUser(base: string): string {
  return base + '-' + RUN_TAG;
}
const RUN_TAG = randomBytes(3).toString('hex');

/**
 * `npm adduser` of `name` at the registry, as a person at a machine of their own (npmrc and cache
 * labelled `person`), with the password `pw-<person>-1` and the e-mail `<person>@example.com`.
 * Returns that person's npm, logged in.
 */
export async function signedUp(registryUrl: string, person: string, name: string): Promise<NpmUser> {
  const user = new NpmUser(registryUrl, person);
  const r = await user.adduser(name, 'pw-' + person + '-1', person + '@example.com');
  expect(r.code, r.output).toBe(0);
  return user;
}
