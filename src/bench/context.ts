// What every workload gets: the sizes of this run, the registry under test, its user, the data
// set, and where to print. Also the common head of every JSON line.
import type { Couch } from '../couch/client';
import type { BenchBackend } from './backend';
import type { Log } from './progress';
import type { BenchRegistry, BenchUser } from './registry';
import type { DependencyGraph } from './synthetic';

export interface Sizes {
  /** Packages the root of the dependency graph pulls in. */
  graph: number;
  connections: number;
  readSeconds: number;
  /** In --quick mode: a request count per read path instead of a duration. */
  readAmount?: number;
  /** Concurrent requests that bring couchjs processes up before each read measurement. */
  warmRequests: number;
  npmPublishes: number;
  httpPublishes: number;
  publishConcurrency: number;
  installRuns: number;
  growthSteps: number[];
  readSample: number;
  searchSample: number;
}

export const FULL: Sizes = {
  graph: 100, connections: 16, readSeconds: 10, warmRequests: 64,
  npmPublishes: 30, httpPublishes: 1000, publishConcurrency: 4, installRuns: 3,
  growthSteps: [100, 1000, 10000], readSample: 200, searchSample: 100,
};

/** Tiny sizes: the plumbing of every workload in well under a minute (what `npm test` runs). */
export const QUICK: Sizes = {
  graph: 6, connections: 16, readSeconds: 1, readAmount: 48, warmRequests: 0,
  npmPublishes: 3, httpPublishes: 20, publishConcurrency: 4, installRuns: 1,
  growthSteps: [10, 30, 60], readSample: 10, searchSample: 5,
};

/** Fixed, so every run publishes the same packages; each data set adds its own offset. */
export const SEED = 6;

export interface BenchContext {
  sizes: Sizes;
  quick: boolean;
  backend: BenchBackend;
  couch: Couch;
  /** e.g. "spidermonkey 78", or the stand-in's Node.js */
  engine: string;
  standIn: boolean;
  couchdbVersion: string;
  registry: BenchRegistry;
  user: BenchUser;
  graph: DependencyGraph;
  log: Log;
  /** Runs `fn` when the benchmark ends, however it ends (last registered runs first). */
  atExit(fn: () => Promise<void> | void): void;
}

export interface LineHead {
  workload: string;
  backend: BenchBackend['kind'];
  /** True when the server is the embedded stand-in: then nothing here is a CouchDB number. */
  standIn: boolean;
  engine: string;
  couchdb: string;
  quick: boolean;
}

export function head(ctx: BenchContext, workload: string): LineHead {
  return { workload, backend: ctx.backend.kind, standIn: ctx.standIn, engine: ctx.engine, couchdb: ctx.couchdbVersion, quick: ctx.quick };
}
