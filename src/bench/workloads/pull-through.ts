// Workload 6, pull-through: a cold `npm install` of the graph's root through a registry that holds
// none of it and pulls it from an upstream (an in-memory npm registry on loopback serving the
// same graph, src/bench/static-upstream.ts), the first time (nothing cached: every packument and
// tarball goes through the service) and the second time (all cached: CouchDB serves everything),
// beside a cold install of the tree published here and a direct install from the upstream, run
// by run in the same order so a drift of the machine touches all four alike.
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { makeProject, NpmUser } from '../../npm/client';
import type { ServerSetup } from '../../couch/setup';
import { setupDatabase } from '../../couch/setup';
import { listenForPullThrough, openPullThrough } from '../../upstream/index';
import { head, type BenchContext, type LineHead } from '../context';
import { tail } from '../npm-client';
import { Progress } from '../progress';
import { dropDatabase, randomDbName } from '../registry';
import { startStaticUpstream } from '../static-upstream';
import { percentile, round } from '../stats';

export interface PullThroughTimes {
  runsMs: number[];
  medianMs: number;
}

export interface PullThroughResult extends LineHead {
  root: string;
  direct: PullThroughTimes;
  publishedHere: PullThroughTimes;
  firstThrough: PullThroughTimes;
  secondThrough: PullThroughTimes;
  /** Medians: the first install through the pull-through against the direct one (target ≤ 2). */
  firstVsDirect: number;
  /** Medians: the second, all cached, against the tree published here (target ≤ 1.1). */
  secondVsPublishedHere: number;
  /** Requests the upstream answered during the second installs (0: CouchDB served them all). */
  upstreamRequestsOnSecond: number;
}

async function coldInstall(registry: string, root: string, label: string): Promise<number> {
  const user = new NpmUser(registry, 'bench-pull');
  try {
    const project = makeProject(user.home, { [root]: '^1.0.0' });
    const start = performance.now();
    const r = await user.run(['install', '--prefer-online', '--no-audit'], { cwd: project });
    const ms = performance.now() - start;
    if (r.code !== 0) throw new Error('npm install of ' + root + ' ' + label + ' failed (exit ' + r.code + '):\n' + tail(r.output));
    return ms;
  } finally {
    rmSync(user.home, { recursive: true, force: true });
  }
}

function times(ms: number[]): PullThroughTimes {
  return { runsMs: ms.map((x) => round(x, 0)), medianMs: round(percentile(ms, 50), 0) };
}

export async function pullThrough(ctx: BenchContext, server: ServerSetup): Promise<PullThroughResult> {
  const upstream = await startStaticUpstream(ctx.graph);
  ctx.atExit(() => upstream.close());
  const service = await listenForPullThrough('127.0.0.1', 0);
  ctx.atExit(() => service.close());
  const root = ctx.graph.root.name;
  const ms = { direct: [] as number[], publishedHere: [] as number[], firstThrough: [] as number[], secondThrough: [] as number[] };
  let onSecond = 0;
  const progress = new Progress('cold npm install of ' + root + ': direct from the upstream, published here, through the pull-through (first, second)', ctx.sizes.installRuns * 4, ctx.log);
  for (let i = 0; i < ctx.sizes.installRuns; i++) {
    ms.direct.push(await coldInstall(upstream.url, root, 'from the upstream'));
    progress.tick();
    ms.publishedHere.push(await coldInstall(ctx.registry.url, root, 'published here'));
    progress.tick();
    // a registry of its own each run, so the first install finds nothing cached
    const db = randomDbName();
    ctx.atExit(() => dropDatabase(ctx.couch, db));
    const url = await setupDatabase(ctx.couch, server, { db, upstream: { url: upstream.url, service: service.url, maxAge: 3600, privateScopes: [] } }, () => undefined);
    service.serve(await openPullThrough({ couch: ctx.couch, db, upstream: upstream.url, maxAgeSeconds: 3600 }));
    ms.firstThrough.push(await coldInstall(url, root, 'through the pull-through (first)'));
    progress.tick();
    const before = upstream.requests;
    ms.secondThrough.push(await coldInstall(url, root, 'through the pull-through (second)'));
    onSecond += upstream.requests - before;
    progress.tick();
    await dropDatabase(ctx.couch, db);
  }
  const result = {
    ...head(ctx, 'pull-through'), root,
    direct: times(ms.direct), publishedHere: times(ms.publishedHere), firstThrough: times(ms.firstThrough), secondThrough: times(ms.secondThrough),
    firstVsDirect: 0, secondVsPublishedHere: 0, upstreamRequestsOnSecond: onSecond,
  };
  result.firstVsDirect = round(result.firstThrough.medianMs / result.direct.medianMs, 2);
  result.secondVsPublishedHere = round(result.secondThrough.medianMs / result.publishedHere.medianMs, 2);
  return result;
}
