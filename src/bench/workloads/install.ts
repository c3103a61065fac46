// Workload 3, install: a cold `npm install` of the graph's root into an empty project with an
// empty cache, so every packument and tarball crosses HTTP; anonymous and logged in alternate
// run by run, so a drift of the machine touches both alike.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { makeProject, type NpmUser } from '../../npm/client';
import { head, type BenchContext, type LineHead } from '../context';
import { npmUser, tail } from '../npm-client';
import { Progress } from '../progress';
import { percentile, round } from '../stats';

export interface InstallTimes {
  runsMs: number[];
  minMs: number;
  medianMs: number;
}

export interface InstallResult extends LineHead {
  root: string;
  /** Packages npm placed in node_modules (the graph, deduplicated, plus the root). */
  installed: number;
  anonymous: InstallTimes;
  token: InstallTimes;
}

/** Counts what npm installed, from the hidden lockfile it writes into node_modules. */
function installedCount(project: string): number {
  const file = join(project, 'node_modules', '.package-lock.json');
  if (!existsSync(file)) return 0;
  const lock = JSON.parse(readFileSync(file, 'utf8')) as { packages?: Record<string, unknown> };
  return Object.keys(lock.packages || {}).filter((k) => k.startsWith('node_modules/')).length;
}

async function coldInstall(ctx: BenchContext, user: NpmUser): Promise<{ ms: number; installed: number }> {
  user.freshCache();
  const project = makeProject(user.home, { [ctx.graph.root.name]: '^1.0.0' });
  const start = performance.now();
  const r = await user.run(['install', '--prefer-online', '--no-audit'], { cwd: project });
  const ms = performance.now() - start;
  if (r.code !== 0) throw new Error('npm install of ' + ctx.graph.root.name + ' failed (exit ' + r.code + '):\n' + tail(r.output));
  const installed = installedCount(project);
  rmSync(project, { recursive: true, force: true });
  rmSync(user.cache, { recursive: true, force: true });
  return { ms, installed };
}

function times(ms: number[]): InstallTimes {
  return { runsMs: ms.map((x) => round(x, 0)), minMs: round(Math.min(...ms), 0), medianMs: round(percentile(ms, 50), 0) };
}

export async function install(ctx: BenchContext): Promise<InstallResult> {
  const users = { anonymous: npmUser(ctx, false), token: npmUser(ctx, true) };
  const ms = { anonymous: [] as number[], token: [] as number[] };
  let installed = 0;
  const progress = new Progress('cold npm install of ' + ctx.graph.root.name + ' (' + ctx.graph.packages.length + ' dependencies), anonymous and logged in', ctx.sizes.installRuns * 2, ctx.log);
  for (let i = 0; i < ctx.sizes.installRuns; i++) {
    for (const who of ['anonymous', 'token'] as const) {
      const r = await coldInstall(ctx, users[who]);
      ms[who].push(r.ms);
      installed = r.installed;
      progress.tick();
    }
  }
  const expected = ctx.graph.packages.length + 1;
  if (installed !== expected) ctx.log('  warning: npm installed ' + installed + ' packages, the graph has ' + expected);
  return { ...head(ctx, 'install'), root: ctx.graph.root.name, installed, anonymous: times(ms.anonymous), token: times(ms.token) };
}
