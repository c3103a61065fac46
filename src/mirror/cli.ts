// `couch-registry mirror --couch ADMIN_URL --upstream URL [--changes-url URL] [--db registry]
//  [PKG …] [--deps] [--follow]`: copies packages from an upstream npm registry into this one,
// then (with --follow) keeps them current from its change feed until SIGINT/SIGTERM.
import { parseArgs } from 'node:util';
import type { Log } from './context';
import { openMirror, summaryLine } from './index';

const USAGE = 'usage: couch-registry mirror --couch http://ADMIN:PASS@HOST:5984 --upstream URL [--changes-url URL] [--db registry] [PKG ...] [--deps] [--follow]\n' +
  '         [--interval SECONDS] [--page-size N] [--concurrency N] [--retries N] [--retry-delay MS]';

const OPTIONS = {
  couch: { type: 'string' }, upstream: { type: 'string' }, 'changes-url': { type: 'string' }, db: { type: 'string' },
  deps: { type: 'boolean' }, follow: { type: 'boolean' },
  interval: { type: 'string' }, 'page-size': { type: 'string' }, concurrency: { type: 'string' },
  retries: { type: 'string' }, 'retry-delay': { type: 'string' },
} as const;

function number(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min) throw new Error(flag + ' must be a number of at least ' + min + ', not ' + JSON.stringify(value) + '.');
  return n;
}

function httpUrl(value: string, flag: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new Error(flag + ' must be a URL like https://registry.npmjs.org, not ' + JSON.stringify(value) + '.');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(flag + ' must be an http:// or https:// URL.');
  return value;
}

function parse(args: string[]) {
  try {
    return parseArgs({ args, options: OPTIONS, allowPositionals: true });
  } catch (e) {
    throw new Error((e as Error).message + '\n' + USAGE);
  }
}

export async function mirrorCommand(args: string[], log: Log): Promise<void> {
  const { values, positionals } = parse(args);
  if (!values.couch || !values.upstream) throw new Error('mirror needs --couch http://ADMIN:PASS@HOST:5984 and --upstream URL (the registry to copy from).\n' + USAGE);
  if (positionals.length === 0 && !values.follow) throw new Error('Name the packages to mirror, or give --follow to keep the ones already mirrored current.\n' + USAGE);
  const interval = number(values.interval, '--interval', 0.01) ?? 30;
  const retries = number(values.retries, '--retries', 0);
  const retryDelay = number(values['retry-delay'], '--retry-delay', 0);
  // A second Ctrl-C aborts at once; the first lets the page in progress finish and be saved.
  const hard = new AbortController();
  const stop = new AbortController();
  const mirror = await openMirror({
    couch: values.couch,
    db: values.db,
    upstream: httpUrl(values.upstream, '--upstream'),
    changesUrl: values['changes-url'] ? httpUrl(values['changes-url'], '--changes-url') : undefined,
    retry: { ...(retries === undefined ? {} : { retries }), ...(retryDelay === undefined ? {} : { baseMs: retryDelay }) },
    concurrency: number(values.concurrency, '--concurrency', 1),
    pageSize: number(values['page-size'], '--page-size', 1),
    log,
    signal: hard.signal,
  });
  log('mirror: ' + mirror.ctx.upstream.url + ' into ' + mirror.ctx.reg.db + ' (origin ' + mirror.ctx.origin + ')');
  let failed: string[] = [];
  if (positionals.length > 0) {
    const summary = await mirror.copy(positionals, { deps: Boolean(values.deps) });
    log(summaryLine(summary));
    failed = summary.results.filter((r) => r.status === 'failed').map((r) => r.name);
  }
  if (!values.follow) {
    if (failed.length > 0) throw new Error(failed.length + ' package(s) were not mirrored (' + failed.join(', ') + '): see the lines above; nothing of them was stored. Fix the upstream or leave them out, and run the mirror again.');
    return;
  }
  if (mirror.checkpoint.names.size === 0) throw new Error('Nothing to follow yet: name the packages to mirror from ' + mirror.ctx.upstream.url + '.');
  const onSignal = () => {
    if (stop.signal.aborted) {
      log('mirror: stopping now');
      hard.abort();
      return;
    }
    log('mirror: stopping after the page in progress (again to stop at once)');
    stop.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await mirror.follower.run(stop.signal, interval * 1000);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
