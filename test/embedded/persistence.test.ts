// dataDir mode: leveldb files, config and the admin password survive close() and a restart.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbedded } from '../../src/embedded/index.js';
import { basic, clientFor, createUser } from './helpers.js';

let dataDir: string;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'couch-registry-embedded-'));
});

afterAll(() => rm(dataDir, { recursive: true, force: true }));

describe('dataDir mode', () => {
  it('keeps documents, users, config and the admin password across close and restart', async () => {
    const first = await startEmbedded({ dataDir, port: 0 });
    const http1 = clientFor(first);
    await http1.request('PUT', '/kept', { headers: http1.admin });
    for (let i = 0; i < 20; i++) {
      expect((await http1.request('PUT', `/kept/doc-${i}`, { body: { i }, headers: http1.admin })).status).toBe(201);
    }
    await createUser(http1, 'pat', 'pat-pw');
    await http1.request('PUT', '/_node/_local/_config/chttpd_auth/public_fields', { body: 'name', headers: http1.admin });
    await first.close();

    const second = await startEmbedded({ dataDir, port: 0 });
    try {
      const http2 = clientFor(second);
      expect(second.adminUrl.replace(/:\d+\/$/, '')).toBe(first.adminUrl.replace(/:\d+\/$/, ''));
      expect((await http2.request('GET', '/kept', { headers: http2.admin })).json.doc_count).toBe(20);
      expect((await http2.request('GET', '/kept/doc-19', { headers: http2.admin })).json.i).toBe(19);
      expect((await http2.request('GET', '/_session', { headers: basic('pat', 'pat-pw') })).json.userCtx.name).toBe('pat');
      expect((await http2.request('GET', '/_node/_local/_config/chttpd_auth/public_fields', { headers: http2.admin })).json).toBe('name');
    } finally {
      await second.close();
    }
  });

  it('keeps admin.json and config.json readable by the owner only', async () => {
    expect((await stat(join(dataDir, 'admin.json'))).mode & 0o777).toBe(0o600);
    expect((await stat(join(dataDir, 'config.json'))).mode & 0o777).toBe(0o600);
  });
});
