import { describe, it, expect, beforeAll } from 'vitest';
import { inject } from 'vitest';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { ROOT } from '../../src/ddoc/build';
import { Couch } from '../../src/couch/client';
import { setupServer, setupDatabase } from '../../src/couch/setup';
import { createRegistry, http, type TestRegistry } from '../support/registry';

const CLI = join(ROOT, 'scripts', 'couch-registry.js');

// Asynchronous on purpose: a test may serve HTTP from this very process while the CLI runs.
function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function withCredentials(adminUrl: string, user: string, password: string): string {
  const u = new URL(adminUrl);
  u.username = user;
  u.password = password;
  return u.href.replace(/\/$/, '');
}

describe('couch-registry setup', () => {
  let reg: TestRegistry;
  beforeAll(async () => {
    reg = await createRegistry('setup');
  });

  it('ends with the line "registry: <URL>" whose URL ends in a slash', async () => {
    const r = await cli(['setup', '--couch', reg.adminUrl, '--db', reg.db]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const last = r.stdout.trim().split('\n').pop() as string;
    expect(last).toBe('registry: ' + reg.url);
    expect(reg.url.endsWith('/_rewrite/')).toBe(true);
  });

  it('changes nothing when run a second time', async () => {
    const couch = new Couch(reg.adminUrl);
    const lines: string[] = [];
    const server = await setupServer(couch, (l) => lines.push(l));
    await setupDatabase(couch, server, { db: reg.db }, (l) => lines.push(l));
    expect(lines).toEqual([reg.db + '/_design/views unchanged', reg.db + '/_design/app unchanged', reg.db + '/_design/api unchanged', '_users/_design/registry unchanged']);
  });

  it('gives a one-line error and exit code 1 for wrong credentials', async () => {
    const r = await cli(['setup', '--couch', withCredentials(reg.adminUrl, 'admin', 'wrong-password'), '--db', reg.db]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^couch-registry: CouchDB at http:\/\/127\.0\.0\.1:\d+ (refused the credentials|did not accept the credentials)/);
    expect(r.stderr).not.toContain('wrong-password');
  });

  it('refuses an unknown --js-engine before touching the server', async () => {
    const r = await cli(['setup', '--couch', reg.adminUrl, '--db', reg.db, '--js-engine', 'v8']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('couch-registry: --js-engine is quickjs or spidermonkey.');
  });

  it('gives a one-line error and exit code 1 when CouchDB is unreachable', async () => {
    const server = createServer();
    await new Promise<void>((res) => server.listen(0, '127.0.0.1', () => res()));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((res) => server.close(() => res()));
    const r = await cli(['setup', '--couch', 'http://admin:pw@127.0.0.1:' + port]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('couch-registry: Cannot reach CouchDB at http://127.0.0.1:' + port + ': connection refused. Is it running, and is the port right?');
  });

  it('refuses a CouchDB older than 3.2, naming the version', async () => {
    // Only the version check is exercised here: a server that answers like CouchDB 3.1 at its root.
    const old: Server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ couchdb: 'Welcome', version: '3.1.2' }));
    });
    await new Promise<void>((res) => old.listen(0, '127.0.0.1', () => res()));
    try {
      const port = (old.address() as { port: number }).port;
      const r = await cli(['setup', '--couch', 'http://admin:pw@127.0.0.1:' + port]);
      expect(r.code).toBe(1);
      expect(r.stderr.trim()).toBe('couch-registry: CouchDB 3.1.2 at http://127.0.0.1:' + port + ' is too old: the registry needs 3.2 or newer (JWT authentication, /_node config).');
    } finally {
      old.close();
    }
  });

  it('opens the registry database for anonymous reads and keeps its design doc admin-only to write', async () => {
    const plain = await http(reg.origin + '/' + reg.db);
    expect(plain.status).toBe(200);
    const current = await http(reg.origin + '/' + reg.db + '/_design/app');
    const write = await http(reg.origin + '/' + reg.db + '/_design/app', { method: 'PUT', json: { _id: '_design/app', _rev: current.json._rev } });
    expect([401, 403]).toContain(write.status);
  });

  it('keeps the token key out of reach of everyone but server admins', async () => {
    const anon = await http(reg.origin + '/_users/_design/registry');
    expect([401, 403]).toContain(anon.status);
    expect(anon.text).not.toMatch(/secret/);
    const config = await http(reg.origin + '/_node/_local/_config/jwt_keys');
    expect([401, 403]).toContain(config.status);
  });

  it('reports which backend it ran on', () => {
    expect(inject('couch').describe).toBeTruthy();
  });
});
