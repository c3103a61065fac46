// Workload 2, publish: `npm publish` with the real client, one small package after another (the
// time a user waits, npm's own start-up included), then single-version packages by direct HTTP
// PUT at concurrency 4 for the registry's publish throughput without the client.
import { performance } from 'node:perf_hooks';
import { makePackage } from '../../npm/client';
import { head, SEED, type BenchContext, type LineHead } from '../context';
import { tail, npmUser } from '../npm-client';
import { Progress } from '../progress';
import { manifestOf, readmeOf } from '../publish-body';
import { publishAll } from '../seed';
import { round, summarize, type LatencySummary } from '../stats';
import { singlePackages } from '../synthetic';

export interface PublishResult extends LineHead {
  npm: LatencySummary;
  http: LatencySummary & { concurrency: number; seconds: number; perSecond: number };
}

async function npmPublishes(ctx: BenchContext): Promise<LatencySummary> {
  const user = npmUser(ctx, true);
  const specs = singlePackages('n', ctx.sizes.npmPublishes, SEED + 1);
  const progress = new Progress('npm publish of ' + specs.length + ' packages', specs.length, ctx.log);
  const ms: number[] = [];
  for (const spec of specs) {
    const dir = makePackage(user.home, manifestOf(spec, '1.0.0'), { 'README.md': readmeOf(spec) });
    const args = spec.name.startsWith('@') ? ['publish', '--access', 'public'] : ['publish'];
    const start = performance.now();
    const r = await user.run(args, { cwd: dir });
    ms.push(performance.now() - start);
    if (r.code !== 0) throw new Error('npm publish of ' + spec.name + ' failed (exit ' + r.code + '):\n' + tail(r.output));
    progress.tick();
  }
  return summarize(ms);
}

export async function publish(ctx: BenchContext): Promise<PublishResult> {
  const npm = await npmPublishes(ctx);
  const specs = singlePackages('p', ctx.sizes.httpPublishes, SEED + 2);
  const start = performance.now();
  const ms = await publishAll(ctx.registry, ctx.user, specs, ctx.sizes.publishConcurrency, 'publishing ' + specs.length + ' packages by HTTP PUT', ctx.log);
  const seconds = (performance.now() - start) / 1000;
  return {
    ...head(ctx, 'publish'),
    npm,
    http: { ...summarize(ms), concurrency: ctx.sizes.publishConcurrency, seconds: round(seconds, 2), perSecond: round(specs.length / seconds, 1) },
  };
}
