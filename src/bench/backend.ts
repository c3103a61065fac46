// The CouchDB the benchmark measures: --couch URL (a running server), else a throwaway node of
// the local `couchdb` program (the one the tests start), else the embedded stand-in, whose numbers
// say nothing about CouchDB and are labelled so.
import { findCouchdb, startCouchNode } from '../couch/throwaway-node';
import { redact } from './http';
import { listeningPid, ownMemory, processMemory, processTreeMemory, programName, type MemorySample } from './proc';
import type { Log } from './progress';
import type { ServerProcess } from './cpu';

export type MemoryReading = { ok: true; scope: string; sample: MemorySample } | { ok: false; reason: string };

export interface BenchBackend {
  kind: 'url' | 'couchdb' | 'embedded';
  /** Server admin URL without a trailing slash, e.g. http://admin:pw@127.0.0.1:5984 */
  adminUrl: string;
  /** For the report: what was measured, without credentials. */
  describe: string;
  memory(): MemoryReading;
  /** The server's process when it runs on this machine and is not this process. */
  server(): ServerProcess | null;
  stop(): Promise<void>;
}

const LOCAL_HOSTS = ['localhost', '127.0.0.1', '[::1]', '::1'];

/** The process serving `adminUrl` on this machine, found by its port, or why there is none. */
function localServer(adminUrl: string): { pid: number; program: string } | { reason: string } {
  const url = new URL(adminUrl);
  if (!LOCAL_HOSTS.includes(url.hostname) && !url.hostname.startsWith('127.')) return { reason: 'CouchDB runs on another host (' + url.hostname + ')' };
  const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
  const pid = listeningPid(port);
  if (pid === null) return { reason: 'no process of this user listens on port ' + port + ' (another user, or a container)' };
  const program = programName(pid);
  if (program === 'beam.smp' || program === 'node') return { pid, program };
  return { reason: 'port ' + port + ' is served by ' + program + ' (pid ' + pid + '), not by CouchDB itself (a container proxy?)' };
}

/** Memory of whatever serves `adminUrl` on this machine, when /proc lets us see it. */
function memoryByPort(adminUrl: string): MemoryReading {
  const s = localServer(adminUrl);
  if ('reason' in s) return { ok: false, reason: s.reason + '; its memory cannot be read from here' };
  if (s.program === 'beam.smp') return { ok: true, scope: 'CouchDB: beam.smp (pid ' + s.pid + ') and its children (couchjs query servers)', sample: processTreeMemory(s.pid) };
  return { ok: true, scope: 'the node process (pid ' + s.pid + ') serving port ' + new URL(adminUrl).port + ': an embedded stand-in, not CouchDB', sample: processMemory(s.pid) };
}

/** For the CPU meter: CouchDB counts with its couchjs children; a node server (vitest's) alone. */
function serverByPort(adminUrl: string): ServerProcess | null {
  const s = localServer(adminUrl);
  return 'reason' in s ? null : { pid: s.pid, tree: s.program === 'beam.smp' };
}

export async function startBackend(couchUrl: string | undefined, log: Log): Promise<BenchBackend> {
  if (couchUrl) {
    const adminUrl = couchUrl.replace(/\/+$/, '');
    return { kind: 'url', adminUrl, describe: 'CouchDB at ' + redact(adminUrl) + ' (--couch)', memory: () => memoryByPort(adminUrl), server: () => serverByPort(adminUrl), stop: async () => undefined };
  }
  const couchdb = findCouchdb();
  if (couchdb) {
    log('starting a throwaway CouchDB node from ' + couchdb.bin + ' …');
    const node = await startCouchNode(couchdb);
    return { kind: 'couchdb', adminUrl: node.adminUrl, describe: 'a throwaway node of ' + couchdb.bin, memory: () => memoryByPort(node.adminUrl), server: () => serverByPort(node.adminUrl), stop: node.stop };
  }
  log('');
  log('!!! No --couch URL and no `couchdb` program on PATH: measuring the EMBEDDED STAND-IN (express-pouchdb).');
  log('!!! These numbers are NOT CouchDB\'s. Give --couch http://ADMIN:PASSWORD@HOST:5984 or install CouchDB 3.4.');
  log('');
  const { startEmbedded } = await import('../embedded/index');
  const server = await startEmbedded({ port: 0, memory: true });
  return {
    kind: 'embedded',
    adminUrl: server.adminUrl.replace(/\/+$/, ''),
    describe: 'the EMBEDDED STAND-IN (express-pouchdb, in this process) on ' + server.url + ': NOT CouchDB',
    memory: () => ({ ok: true, scope: 'this process: the embedded stand-in and the benchmark driver together', sample: ownMemory() }),
    server: () => null,
    stop: server.close,
  };
}
