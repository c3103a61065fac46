// Fills the registry with the dependency graph before the workloads run: every version by direct
// HTTP PUT with the body npm sends, packages side by side (concurrency 4) and the versions of one
// package in order, as repeated `npm publish` would (each merges into the stored document).
import { pool } from './http';
import { Progress, type Log } from './progress';
import { publishBody } from './publish-body';
import { putVersion, type BenchRegistry, type BenchUser } from './registry';
import type { DependencyGraph, PackageSpec } from './synthetic';

export async function publishAll(reg: BenchRegistry, user: BenchUser, specs: readonly PackageSpec[], concurrency: number, label: string, log: Log): Promise<number[]> {
  const total = specs.reduce((n, s) => n + s.versions.length, 0);
  const progress = new Progress(label + ' (' + total + ' versions)', total, log);
  const ms: number[] = [];
  await pool(specs, concurrency, async (spec) => {
    for (const version of spec.versions) {
      ms.push(await putVersion(reg, user, spec.name, publishBody(spec, version, reg.url)));
      progress.tick();
    }
  });
  return ms;
}

export async function publishGraph(reg: BenchRegistry, user: BenchUser, graph: DependencyGraph, concurrency: number, log: Log): Promise<void> {
  await publishAll(reg, user, [...graph.packages, graph.root], concurrency, 'publishing the dependency graph: ' + (graph.packages.length + 1) + ' packages', log);
}
