// The readable summary at the end of a run: one small table per workload, built from the same
// objects that were printed as JSON lines, so the two can never disagree.
import type { GrowthResult } from './workloads/growth';
import type { InstallResult } from './workloads/install';
import type { MemoryPoint, MemoryResult } from './workloads/memory';
import type { PublishResult } from './workloads/publish';
import type { PullThroughResult } from './workloads/pull-through';
import type { ReadsResult } from './workloads/reads';

/** A workload's result as printed: with the CPU share other processes took while it ran. */
export type Measured<T> = T & { otherCpuPercent: number | null };

export interface Results {
  reads?: Measured<ReadsResult>;
  publish?: Measured<PublishResult>;
  install?: Measured<InstallResult>;
  growth?: Measured<GrowthResult>;
  pullThrough?: Measured<PullThroughResult>;
  memory?: Measured<MemoryResult>;
}

/** Left-aligned text columns, right-aligned numbers, two spaces between columns. */
export function table(header: string[], rows: Array<Array<string | number>>): string[] {
  const cells = [header, ...rows.map((r) => r.map((c) => String(c)))];
  const width = header.map((_, i) => Math.max(...cells.map((r) => (r[i] || '').length)));
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === 'number' || r[i] === ''));
  return cells.map((r) => r.map((c, i) => (numeric[i] ? (c || '').padStart(width[i]) : (c || '').padEnd(width[i]))).join('  ').trimEnd());
}

/** '-' for 0: the stand-in reports no sizes. */
const kb = (bytes: number) => (bytes <= 0 ? '-' : bytes < 1048576 ? (bytes / 1024).toFixed(1) + ' KiB' : (bytes / 1048576).toFixed(1) + ' MiB');
const mib = (kib: number) => (kib / 1024).toFixed(1);
const secs = (ms: number) => (ms / 1000).toFixed(2);

function reads(r: ReadsResult): string[] {
  const how = r.seconds ? r.seconds + ' s per path' : r.requestsPerPath + ' requests per path';
  return [
    'Reads: ' + r.connections + ' connections, ' + how + '; ' + r.package + ' (' + r.versions + ' versions): document ' + kb(r.bytes.document) +
      ', packument ' + kb(r.bytes.packument) + ', abbreviated ' + kb(r.bytes.abbreviated) + ', tarball ' + kb(r.bytes.tarball),
    ...table(['path', 'auth', 'req/s', 'p50 ms', 'p99 ms', 'vs limit', 'token/anon', 'bad answers'],
      r.rows.map((x) => [x.label, x.auth, x.requestsPerSecond, x.p50Ms, x.p99Ms, x.vsLimit, x.vsAnonymous === undefined ? '' : x.vsAnonymous, x.unexpected])),
  ];
}

function publish(r: PublishResult): string[] {
  return [
    'Publish',
    ...table(['how', 'packages', 'per s', 'p50 ms', 'p95 ms', 'max ms'], [
      ['npm publish (real client, one at a time)', r.npm.count, Number((1000 / r.npm.p50Ms).toFixed(2)), r.npm.p50Ms, r.npm.p95Ms, r.npm.maxMs],
      ['HTTP PUT, concurrency ' + r.http.concurrency, r.http.count, r.http.perSecond, r.http.p50Ms, r.http.p95Ms, r.http.maxMs],
    ]),
  ];
}

function install(r: InstallResult): string[] {
  return [
    'Install: cold `npm install ' + r.root + '` (' + r.installed + ' packages), empty cache, --prefer-online --no-audit',
    ...table(['who', 'min s', 'median s', 'runs (s)'], [
      ['anonymous', secs(r.anonymous.minMs), secs(r.anonymous.medianMs), r.anonymous.runsMs.map(secs).join(' ')],
      ['logged in (token)', secs(r.token.minMs), secs(r.token.medianMs), r.token.runsMs.map(secs).join(' ')],
    ]),
  ];
}

function growth(r: GrowthResult): string[] {
  return [
    'Growth (a database of its own; reads GET /:pkg; searches GET /-/v1/search?text=… with redirects followed: one word, two common words, a common word and a rare one)',
    ...table(['packages', 'fill/s', 'index ms', 'read p50', 'read p95', 'word p50', 'word p95', 'hits', '2 words p50', '2 words p95', 'hits',
      'common+rare p50', 'common+rare p95', 'hits', 'statuses', 'view index', 'database'],
      r.steps.map((s) => [s.packages, s.fillPerSecond, s.indexMs, s.read.p50Ms, s.read.p95Ms, s.search.p50Ms, s.search.p95Ms, s.search.meanHits,
        s.searchTwoWords.p50Ms, s.searchTwoWords.p95Ms, s.searchTwoWords.meanHits, s.searchCommonRare.p50Ms, s.searchCommonRare.p95Ms, s.searchCommonRare.meanHits,
        statuses(s.search.statuses, s.searchTwoWords.statuses, s.searchCommonRare.statuses), kb(s.viewIndexBytes.file), kb(s.databaseBytes.file)])),
  ];
}

/** HTTP statuses of every search, all kinds together: `200×300` when all went well. */
function statuses(...counts: Array<Record<string, number>>): string {
  const all: Record<string, number> = {};
  for (const c of counts) for (const [k, v] of Object.entries(c)) all[k] = (all[k] || 0) + v;
  return Object.entries(all).map(([k, v]) => k + '×' + v).join(' ');
}

function pullThrough(r: PullThroughResult): string[] {
  const row = (label: string, t: { medianMs: number; runsMs: number[] }) => [label, secs(t.medianMs), t.runsMs.map(secs).join(' ')];
  return [
    'Pull-through: cold `npm install ' + r.root + '`, empty cache, --prefer-online --no-audit; the upstream is an in-memory npm registry on loopback',
    ...table(['install', 'median s', 'runs (s)'], [
      row('direct from the upstream', r.direct),
      row('the tree published here', r.publishedHere),
      row('through the pull-through, first (nothing cached)', r.firstThrough),
      row('through the pull-through, second (all cached)', r.secondThrough),
    ]),
    'first / direct: ' + r.firstVsDirect + ' (target ≤ 2);  second / published here: ' + r.secondVsPublishedHere + ' (target ≤ 1.1);  upstream requests during the second installs: ' + r.upstreamRequestsOnSecond,
  ];
}

function memory(r: MemoryResult): string[] {
  if (!r.available || !r.before || !r.after) return ['Memory: not measured: ' + r.scope];
  const names = [...new Set([...Object.keys(r.before.byName), ...Object.keys(r.after.byName)])];
  const row = (label: string, p: MemoryPoint) => [label, Number(mib(p.totalKiB)), ...names.map((n) => (p.byName[n] ? mib(p.byName[n].kib) + ' (' + p.byName[n].count + ')' : '-'))];
  return [
    'Memory (RSS in MiB, process count in brackets): ' + r.scope,
    ...table(['when', 'total', ...names], [row('before', r.before), row('after', r.after)]),
  ];
}

/** The section, and a note when other processes took a noticeable share of the CPU meanwhile. */
function section<T>(r: Measured<T>, render: (r: T) => string[]): string[] {
  const lines = render(r);
  const other = r.otherCpuPercent;
  if (other !== null && other > 2) lines.push('(other processes used ' + other + ' % of the machine\'s CPU meanwhile' + (other > 10 ? ': DISTURBED, run again on a quiet machine)' : ')'));
  return lines;
}

export function renderReport(title: string, results: Results): string {
  const parts: string[][] = [[title]];
  if (results.reads) parts.push(section(results.reads, reads));
  if (results.publish) parts.push(section(results.publish, publish));
  if (results.install) parts.push(section(results.install, install));
  if (results.growth) parts.push(section(results.growth, growth));
  if (results.pullThrough) parts.push(section(results.pullThrough, pullThrough));
  if (results.memory) parts.push(section(results.memory, memory));
  return parts.map((p) => p.join('\n')).join('\n\n');
}
