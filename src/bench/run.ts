// One benchmark run: backend, a fresh registry and user, the dependency graph, then the six
// workloads in order, each printing one JSON line on stdout; the readable tables go to stderr
// with the progress, so stdout stays one JSON object per line.
import { writeFileSync } from 'node:fs';
import { Couch } from '../couch/client';
import { setupServer } from '../couch/setup';
import { startBackend } from './backend';
import type { Cleanup } from './cleanup';
import { FULL, QUICK, SEED, type BenchContext } from './context';
import { engineOf, switchEngine, type Engine } from './engine';
import { checkLoadGenerator } from './load';
import type { Log } from './progress';
import { createRegistry, deleteUser, dropDatabase, randomDbName, signUp } from './registry';
import { renderReport, type Measured, type Results } from './report';
import { CpuMeter } from './cpu';
import { publishGraph } from './seed';
import { dependencyGraph } from './synthetic';
import { growth } from './workloads/growth';
import { install } from './workloads/install';
import { memory } from './workloads/memory';
import { publish } from './workloads/publish';
import { pullThrough } from './workloads/pull-through';
import { reads } from './workloads/reads';

export const WORKLOADS = ['reads', 'publish', 'install', 'growth', 'pull-through'] as const;
export type Workload = (typeof WORKLOADS)[number];

export interface BenchOptions {
  couch?: string;
  quick: boolean;
  engine?: Engine;
  /** Only these workloads (memory always runs); all when absent. */
  only?: Workload[];
  /** Also write every result into this file as one JSON document. */
  json?: string;
}

export interface BenchIo {
  /** One JSON line per workload. */
  out: (line: string) => void;
  log: Log;
}

export async function runBench(opts: BenchOptions, io: BenchIo, cleanup: Cleanup): Promise<Results> {
  const started = Date.now();
  const log = io.log;
  checkLoadGenerator();
  const backend = await startBackend(opts.couch, log);
  cleanup.add(() => backend.stop());
  const couch = new Couch(backend.adminUrl);
  log('setting the server up (idempotent) …');
  const server = await setupServer(couch, (line) => log('  setup: ' + line));
  const standIn = server.info.embedded;
  if (standIn && backend.kind !== 'embedded') {
    log('!!! ' + backend.describe + ' is the EMBEDDED STAND-IN, not CouchDB: these numbers are NOT CouchDB\'s.');
  }
  if (opts.engine) {
    if (standIn) throw new Error('--engine needs a real CouchDB: the embedded stand-in runs design-doc functions in Node. Give --couch URL or install CouchDB 3.4.');
    cleanup.add(await switchEngine(couch, server.info.nodes, opts.engine, log));
  }
  const engine = standIn ? 'Node.js ' + process.versions.node + ' (stand-in, not a CouchDB engine)' : await engineOf(couch);
  const title = 'couch-registry benchmark' + (opts.quick ? ' (--quick: plumbing sizes, not a measurement)' : '') + '\n' +
    'backend: ' + backend.describe + (standIn ? ' (the stand-in reports version ' + server.info.version + ')' : ', CouchDB ' + server.info.version) + ', JavaScript engine: ' + engine;
  log(title);

  const db = randomDbName();
  const registry = await createRegistry(couch, server, db, log);
  cleanup.add(() => dropDatabase(couch, db));
  const user = await signUp(registry);
  cleanup.add(() => deleteUser(couch, user.name));
  log('registry: ' + registry.url + ' (user ' + user.name + ')');

  const sizes = opts.quick ? QUICK : FULL;
  const ctx: BenchContext = {
    sizes, quick: opts.quick, backend, couch, engine, standIn, couchdbVersion: server.info.version, registry, user, log,
    graph: dependencyGraph(sizes.graph, SEED),
    atExit: (fn) => cleanup.add(fn),
  };
  const meter = new CpuMeter(() => backend.server());
  const whole = meter.snapshot();
  const before = backend.memory();
  await publishGraph(registry, user, ctx.graph, sizes.publishConcurrency, log);

  const results: Results = {};
  // Each line says how much CPU other processes took meanwhile: a busy neighbour skews everything.
  const measure = async <T extends object>(work: () => Promise<T> | T, since = meter.snapshot()): Promise<Measured<T>> => {
    const r = await work();
    const other = meter.otherPercent(since);
    if (other !== null && other > 10) log('warning: other processes used ' + other + ' % of the machine\'s CPU meanwhile: these numbers are disturbed; run again on a quiet machine.');
    const line = { ...r, otherCpuPercent: other };
    io.out(JSON.stringify(line));
    return line;
  };
  const wanted = (w: Workload) => !opts.only || opts.only.includes(w);
  if (wanted('reads')) results.reads = await measure(() => reads(ctx));
  if (wanted('publish')) results.publish = await measure(() => publish(ctx));
  if (wanted('install')) results.install = await measure(() => install(ctx));
  if (wanted('growth')) results.growth = await measure(() => growth(ctx, server));
  if (wanted('pull-through')) results.pullThrough = await measure(() => pullThrough(ctx, server));
  // Memory covers the whole run, and so does its CPU figure.
  results.memory = await measure(() => memory(ctx, before, backend.memory()), whole);

  const seconds = Math.round((Date.now() - started) / 1000);
  const report = renderReport(title + '\nrun time: ' + Math.floor(seconds / 60) + ' min ' + (seconds % 60) + ' s', results);
  log('\n' + report + '\n');
  if (opts.json) {
    writeFileSync(opts.json, JSON.stringify({ backend: backend.describe, standIn, engine, couchdb: server.info.version, quick: opts.quick, seconds, results }, null, 2) + '\n');
    log('wrote ' + opts.json);
  }
  return results;
}
