// `npm run bench -- --quick` against the run's backend, so the benchmark's plumbing cannot rot:
// every workload prints its JSON line with the expected fields and positive numbers. Nothing here
// judges speed; the sizes are tiny and the numbers meaningless.
import { describe, it, expect, beforeAll, inject } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Run {
  code: number;
  lines: Array<Record<string, any>>;
  stderr: string;
  file: Record<string, any> | null;
}

function runQuick(adminUrl: string): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-test-'));
  const file = join(dir, 'bench.json');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'bench.js'), '--couch', adminUrl, '--quick', '--json', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, any>);
      let json: Record<string, any> | null = null;
      try { json = JSON.parse(readFileSync(file, 'utf8')); } catch { json = null; }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code: code ?? -1, lines, stderr, file: json });
    });
  });
}

const positive = (x: unknown) => typeof x === 'number' && x > 0;

describe('npm run bench -- --quick', () => {
  const { adminUrl, kind } = inject('couch');
  let run: Run;
  const line = (workload: string) => run.lines.find((l) => l.workload === workload) as Record<string, any>;

  beforeAll(async () => {
    run = await runQuick(adminUrl);
  }, 120_000);

  it('runs every workload against --couch and exits 0, printing one JSON line each', () => {
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    expect(run.lines.map((l) => l.workload)).toEqual(['reads', 'publish', 'install', 'growth', 'pull-through', 'memory']);
    for (const l of run.lines) {
      expect(l).toMatchObject({ backend: 'url', standIn: kind === 'embedded', quick: true });
      expect(typeof l.engine).toBe('string');
      // Linux reports how much CPU other processes took meanwhile (vitest's other workers, here).
      expect(l.otherCpuPercent === null || l.otherCpuPercent >= 0).toBe(true);
    }
    expect(run.stderr).toMatch(/backend: CouchDB at http:\/\/[^@]*, /);
    expect(run.stderr).not.toContain(new URL(adminUrl).password || '\u0000');
    expect(run.file && Object.keys(run.file.results)).toEqual(['reads', 'publish', 'install', 'growth', 'pullThrough', 'memory']);
  });

  it('reads: every path, anonymous and with a token, with rates, latencies and ratios', () => {
    const r = line('reads');
    expect(r.rows.map((x: any) => x.path + '/' + x.auth)).toEqual([
      'document/anonymous', 'packument/anonymous', 'packument/token', 'abbreviated/anonymous', 'abbreviated/token',
      'attachment/anonymous', 'tarball/anonymous', 'tarball/token', 'revalidate/anonymous', 'revalidate/token',
    ]);
    for (const row of r.rows) {
      expect(row.unexpected, row.label).toBe(0);
      for (const k of ['requestsPerSecond', 'requests', 'p99Ms', 'vsLimit']) expect(positive(row[k]), row.label + ' ' + k).toBe(true);
      expect(row.p50Ms).toBeGreaterThanOrEqual(0);
      if (row.auth === 'token') expect(positive(row.vsAnonymous)).toBe(true);
    }
    for (const k of ['document', 'packument', 'abbreviated', 'tarball']) expect(positive(r.bytes[k]), k).toBe(true);
  });

  it('publish: npm publish p50/p95 and HTTP PUT throughput', () => {
    const p = line('publish');
    expect(p.npm.count).toBe(3);
    expect(p.http.count).toBe(20);
    for (const v of [p.npm.p50Ms, p.npm.p95Ms, p.http.p50Ms, p.http.p95Ms, p.http.perSecond]) expect(positive(v)).toBe(true);
  });

  it('install: cold npm install of the whole graph, anonymous and logged in', () => {
    const i = line('install');
    expect(i.installed).toBe(7);
    for (const who of ['anonymous', 'token']) {
      expect(i[who].runsMs).toHaveLength(1);
      expect(positive(i[who].minMs) && positive(i[who].medianMs)).toBe(true);
    }
  });

  it('growth: read and search latency and index sizes at each step', () => {
    const g = line('growth');
    expect(g.steps.map((s: any) => s.packages)).toEqual([10, 30, 60]);
    for (const s of g.steps) {
      for (const v of [s.fillPerSecond, s.read.p50Ms, s.read.p95Ms, s.search.p50Ms, s.search.p95Ms, s.searchTwoWords.p50Ms, s.searchCommonRare.p50Ms]) expect(positive(v)).toBe(true);
      expect([s.search.count, s.searchTwoWords.count, s.searchCommonRare.count]).toEqual([5, 5, 5]);
      expect([s.search.statuses, s.searchTwoWords.statuses, s.searchCommonRare.statuses]).toEqual([{ 200: 5 }, { 200: 5 }, { 200: 5 }]);
      // Each rare word is a part of one package's name; that package has the common word only by chance.
      expect(s.searchCommonRare.meanHits).toBeLessThanOrEqual(1);
      // The stand-in reports no file sizes for its databases and views.
      if (kind !== 'embedded') expect(positive(s.viewIndexBytes.file) && positive(s.databaseBytes.file)).toBe(true);
    }
  });

  it('pull-through: cold installs direct, published here, and through the pull-through first and second', () => {
    const p = line('pull-through');
    for (const k of ['direct', 'publishedHere', 'firstThrough', 'secondThrough']) {
      expect(p[k].runsMs, k).toHaveLength(1);
      expect(positive(p[k].medianMs), k).toBe(true);
    }
    expect(positive(p.firstVsDirect) && positive(p.secondVsPublishedHere)).toBe(true);
    // the second install found everything cached: CouchDB served it, the upstream saw nothing
    expect(p.upstreamRequestsOnSecond).toBe(0);
  });

  it('memory: resident memory of the server before and after', () => {
    const m = line('memory');
    expect(m.available, m.scope).toBe(true);
    expect(positive(m.before.totalKiB) && positive(m.after.totalKiB)).toBe(true);
  });
});
