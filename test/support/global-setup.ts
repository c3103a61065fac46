// Starts one backend for the whole run, sets the server up once (config, `_users`, restart),
// and hands its admin URL to the test files. Each file then creates its own database.
import type { TestProject } from 'vitest/node';
import { writeFileSync } from 'node:fs';
import { pickBackend, type Backend } from './backend';
import { Couch } from '../../src/couch/client';
import { setupServer } from '../../src/couch/setup';

let backend: Backend | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    couch: { adminUrl: string; kind: Backend['kind']; describe: string };
  }
}

export async function setup(project: TestProject): Promise<void> {
  backend = await pickBackend();
  const version = await fetch(backend.adminUrl.replace(/\/\/[^@/]*@/, '//') + '/').then((r) => r.json() as Promise<{ version?: string }>).then((j) => j.version, () => '?');
  console.log('backend: ' + backend.describe + ', version ' + version);
  if (process.env.COUCH_REGISTRY_BACKEND_FILE) writeFileSync(process.env.COUCH_REGISTRY_BACKEND_FILE, backend.kind + '\n');
  await setupServer(new Couch(backend.adminUrl), () => undefined);
  project.provide('couch', { adminUrl: backend.adminUrl, kind: backend.kind, describe: backend.describe });
}

export async function teardown(): Promise<void> {
  if (backend) await backend.stop();
}
