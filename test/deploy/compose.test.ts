import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { ROOT } from '../../src/ddoc/build';

function composeCommand(): string[] | null {
  for (const cmd of [['docker', 'compose'], ['docker-compose']]) {
    const r = spawnSync(cmd[0], [...cmd.slice(1), 'version'], { encoding: 'utf8' });
    if (r.status === 0) return cmd;
  }
  return null;
}

const compose = composeCommand();
if (!compose) console.log('docker-compose.yml test skipped: neither `docker compose` nor `docker-compose` is installed here (apt-get install docker-compose).');

describe('docker-compose.yml', () => {
  it.skipIf(!compose)('is accepted by `docker compose config`, with CouchDB 3.4 pinned, a health check and the setup service', () => {
    const cmd = compose as string[];
    const r = spawnSync(cmd[0], [...cmd.slice(1), 'config'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, COUCHDB_PASSWORD: 'example' } });
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/image: couchdb:3\.4\.\d+/);
    expect(r.stdout).toMatch(/healthcheck:/);
    expect(r.stdout).toMatch(/couch-registry\.js\s+setup\s+--couch/);
    // the pull-through service, after setup, with the upstream and where clients reach it
    expect(r.stdout).toMatch(/--upstream-service\s+"\$\$REGISTRY_UPSTREAM_SERVICE"/);
    expect(r.stdout).toMatch(/couch-registry\.js\s+upstream\s+--couch/);
    expect(r.stdout).toMatch(/condition: service_completed_successfully/);
  });

  it.skipIf(!compose)('refuses to start without an admin password', () => {
    const cmd = compose as string[];
    const env = { ...process.env };
    delete env.COUCHDB_PASSWORD;
    const r = spawnSync(cmd[0], [...cmd.slice(1), 'config'], { cwd: ROOT, encoding: 'utf8', env });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/set COUCHDB_PASSWORD/);
  });
});
