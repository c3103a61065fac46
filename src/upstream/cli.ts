// `couch-registry upstream`: the pull-through service beside a real CouchDB, and what an operator
// asks of it.
//
//   couch-registry upstream --couch ADMIN_URL --upstream URL [--db registry] [--listen HOST:PORT]
//                           [--private-scope @acme]… [--max-age SECONDS] [--timeout SECONDS]
//   couch-registry upstream --couch ADMIN_URL --status [--service URL]
//   couch-registry upstream --couch ADMIN_URL --evict NAME
import { parseArgs } from 'node:util';
import { Couch } from '../couch/client';
import { openRegistryDb } from '../mirror/registry';
import { formatBytes } from '../mirror/context';
import { DEFAULT_MAX_AGE, loadKnown, openPullThrough, servePullThrough, startSweeping } from './index';

const USAGE = 'usage: couch-registry upstream --couch http://ADMIN:PASS@HOST:5984 --upstream URL [--db registry] [--listen 127.0.0.1:4874]\n' +
  '                               [--private-scope @acme]... [--max-age SECONDS] [--timeout SECONDS]\n' +
  '       couch-registry upstream --couch ADMIN_URL [--db registry] --status [--service URL]\n' +
  '       couch-registry upstream --couch ADMIN_URL [--db registry] --evict NAME';

const OPTIONS = {
  couch: { type: 'string' }, upstream: { type: 'string' }, db: { type: 'string' }, listen: { type: 'string' },
  'private-scope': { type: 'string', multiple: true }, 'max-age': { type: 'string' }, timeout: { type: 'string' },
  status: { type: 'boolean' }, service: { type: 'string' }, evict: { type: 'string' },
} as const;

type Log = (line: string) => void;

function seconds(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new Error(flag + ' must be a number of seconds, not ' + JSON.stringify(value) + '.');
  return n;
}

export function parseListen(value: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d+)$/.exec(value);
  const port = m ? Number(m[3]) : NaN;
  if (!m || !(port >= 0 && port <= 65535)) throw new Error('--listen must be HOST:PORT, e.g. 127.0.0.1:4874, not ' + JSON.stringify(value) + '.');
  return { host: m[1] || m[2], port };
}

export async function upstreamCommand(args: string[], log: Log): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({ args, options: OPTIONS });
  } catch (e) {
    throw new Error((e as Error).message + '\n' + USAGE);
  }
  const values = parsed.values;
  if (!values.couch) throw new Error('upstream needs --couch http://ADMIN:PASS@HOST:5984.\n' + USAGE);
  const db = values.db || 'registry';
  if (values.status) return status(new Couch(values.couch), db, values.service, log);
  if (values.evict) return evict(new Couch(values.couch), db, values.evict, log);
  if (!values.upstream) throw new Error('upstream needs --upstream URL (the registry to pull from), or --status, or --evict NAME.\n' + USAGE);
  const listen = parseListen(values.listen || '127.0.0.1:4874');
  const maxAge = seconds(values['max-age'], '--max-age') ?? DEFAULT_MAX_AGE;
  const timeout = seconds(values.timeout, '--timeout');
  const pull = await openPullThrough({
    couch: values.couch, db, upstream: values.upstream, privateScopes: values['private-scope'] || [], maxAgeSeconds: maxAge,
    timeoutMs: timeout === undefined ? undefined : timeout * 1000, log,
  });
  await loadKnown(pull);
  const stopSweeping = startSweeping(pull, Math.max(10, maxAge) * 1000);
  const server = await servePullThrough(pull, listen.host, listen.port);
  log('pull-through from ' + pull.upstreamUrl + ' into ' + db + ' listening on ' + server.url);
  log('give setup the same settings: --upstream ' + pull.upstreamUrl + ' --upstream-service ' + server.url + ' (and the same --private-scope and --max-age)');
  await new Promise<void>((resolve) => {
    const stop = () => {
      log('pull-through: stopping');
      stopSweeping();
      void server.close().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}

/** What the registry holds from upstreams, read from CouchDB; and the service's counters if it is named. */
async function status(couch: Couch, db: string, service: string | undefined, log: Log): Promise<void> {
  const reg = await openRegistryDb(couch, db);
  const rows = await couch.request('GET', encodeURIComponent(db) + '/_design/views/_view/origins', undefined, { qs: { reduce: false, include_docs: true } });
  const byOrigin = new Map<string, { packages: number; versions: number; tarballs: number; bytes: number }>();
  for (const row of (rows && rows.rows) || []) {
    const origin = String(row.key);
    if (origin.indexOf('mirror:') !== 0) continue;
    const s = byOrigin.get(origin) || { packages: 0, versions: 0, tarballs: 0, bytes: 0 };
    const doc = row.doc || {};
    s.packages++;
    s.versions += Object.keys(doc.versions || {}).length;
    for (const att of Object.values((doc._attachments || {}) as Record<string, { length?: number }>)) {
      s.tarballs++;
      s.bytes += att.length || 0;
    }
    byOrigin.set(origin, s);
  }
  log('registry ' + db + ' (id ' + reg.id + ')');
  if (byOrigin.size === 0) log('no upstream copies yet');
  for (const [origin, s] of byOrigin) {
    log(origin.slice('mirror:'.length) + ': ' + s.packages + ' package(s), ' + s.versions + ' version(s), ' + s.tarballs + ' tarball(s) cached (' + formatBytes(s.bytes) + '); every read of these is served by CouchDB');
  }
  if (!service) return;
  const res = await fetch(service.replace(/\/+$/, '') + '/status').catch((e: Error) => {
    throw new Error('The pull-through service at ' + service + ' did not answer (' + e.message + '). Is `couch-registry upstream` running there?');
  });
  const stats = await res.json() as Record<string, unknown>;
  const last = stats.lastError as { at: string; message: string } | undefined;
  log('service ' + service + ' since it started: ' + stats.packumentsFetched + ' packument(s) fetched, ' + stats.packumentsNotModified + ' revalidated unchanged, ' +
    stats.tarballsFetched + ' tarball(s) fetched (' + formatBytes(Number(stats.bytesFetched) || 0) + '), ' + stats.refusedPrivate + ' private-scope request(s) kept from the upstream');
  log('last upstream error: ' + (last ? last.at + ' ' + last.message : 'none'));
}

async function evict(couch: Couch, db: string, name: string, log: Log): Promise<void> {
  await openRegistryDb(couch, db);
  const path = encodeURIComponent(db) + '/' + encodeURIComponent(name);
  const doc = await couch.request('GET', path, undefined, { allow404: true });
  if (!doc) throw new Error(name + ' is not in ' + db + '; nothing to evict.');
  if (typeof doc.origin !== 'string' || doc.origin.indexOf('mirror:') !== 0) {
    throw new Error(name + ' is not an upstream copy (its origin is ' + JSON.stringify(doc.origin) + '); only copies from an upstream are evicted.');
  }
  await couch.request('DELETE', path, undefined, { qs: { rev: doc._rev } });
  log('evicted ' + name + ' (' + Object.keys(doc._attachments || {}).length + ' tarball(s)); the next request for it fetches it from ' + doc.origin.slice('mirror:'.length) + ' again');
}
