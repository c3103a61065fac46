// Picks the CouchDB the integration tests run against, in this order: COUCHDB_URL (a running
// server with admin credentials), a `couchdb` program on this machine (a throwaway node),
// Docker through testcontainers, the embedded stand-in. COUCH_REGISTRY_BACKEND=embedded (or
// couchdb, docker, url) forces one.
import { findCouchdb, startCouchNode } from '../../src/couch/throwaway-node';

export interface Backend {
  kind: 'url' | 'couchdb' | 'docker' | 'embedded';
  /** Server admin URL, e.g. http://admin:pw@127.0.0.1:5984 */
  adminUrl: string;
  describe: string;
  stop(): Promise<void>;
}

async function fromUrl(): Promise<Backend | null> {
  const url = process.env.COUCHDB_URL;
  if (!url) return null;
  const shown = url.replace(/\/\/[^@/]*@/, '//');
  return { kind: 'url', adminUrl: url.replace(/\/+$/, ''), describe: 'CouchDB at ' + shown + ' (COUCHDB_URL)', stop: async () => undefined };
}

async function fromProgram(): Promise<Backend | null> {
  const couchdb = findCouchdb();
  if (!couchdb) return null;
  const node = await startCouchNode(couchdb, { jsEngine: process.env.COUCH_REGISTRY_JS_ENGINE === 'quickjs' ? 'quickjs' : undefined });
  return { kind: 'couchdb', adminUrl: node.adminUrl, describe: 'a throwaway node of ' + couchdb.bin, stop: node.stop };
}

async function fromDocker(): Promise<Backend | null> {
  let tc: typeof import('testcontainers');
  try {
    tc = await import('testcontainers');
    const client = await tc.getContainerRuntimeClient();
    if (!client) return null;
  } catch {
    return null;
  }
  const password = Math.random().toString(36).slice(2);
  const container = await new tc.GenericContainer('couchdb:3.4.3')
    .withEnvironment({ COUCHDB_USER: 'admin', COUCHDB_PASSWORD: password })
    .withExposedPorts(5984)
    .withWaitStrategy(tc.Wait.forHttp('/_up', 5984))
    .start();
  const url = 'http://admin:' + password + '@' + container.getHost() + ':' + container.getMappedPort(5984);
  return { kind: 'docker', adminUrl: url, describe: 'Docker couchdb:3.4.3', stop: async () => { await container.stop(); } };
}

async function fromEmbedded(): Promise<Backend> {
  const { startEmbedded } = await import('../../src/embedded/index');
  const server = await startEmbedded({ port: 0, memory: true });
  return { kind: 'embedded', adminUrl: server.adminUrl.replace(/\/+$/, ''), describe: 'the embedded stand-in (express-pouchdb) on ' + server.url, stop: server.close };
}

export async function pickBackend(): Promise<Backend> {
  const forced = process.env.COUCH_REGISTRY_BACKEND;
  const order: Array<[string, () => Promise<Backend | null>]> = [
    ['url', fromUrl], ['couchdb', fromProgram], ['docker', fromDocker], ['embedded', fromEmbedded],
  ];
  for (const [kind, make] of order) {
    if (forced && forced !== kind) continue;
    const backend = await make();
    if (backend) return backend;
    if (forced) throw new Error('COUCH_REGISTRY_BACKEND=' + forced + ' but that backend is not available here.');
  }
  throw new Error('no backend');
}
