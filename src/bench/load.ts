// Read throughput with autocannon in a separate process, so the load generator's own work is not
// mixed into the measuring process. Its -j output is one JSON object per run.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../ddoc/build';
import { redact } from './http';
import { round } from './stats';

const AUTOCANNON = join(ROOT, 'node_modules', '.bin', 'autocannon');

export interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  connections: number;
  /** Seconds of load, or, when `amount` is set, a request count instead (the --quick mode). */
  seconds: number;
  amount?: number;
  /** The status every answer should have (200, or 304 for revalidation). */
  expect: number;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  seconds: number;
  /** Answers with another status than expected, plus connection errors and timeouts. */
  unexpected: number;
}

interface AutocannonJson {
  duration: number;
  errors: number;
  timeouts: number;
  statusCodeStats?: Record<string, { count: number }>;
  latency: { p50: number; p99: number };
  requests: { total: number };
}

export function checkLoadGenerator(): void {
  if (!existsSync(AUTOCANNON)) throw new Error('autocannon is not installed in ' + join(ROOT, 'node_modules') + ': run `npm install` (it is a devDependency of this repository).');
}

export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const args = ['-j', '-c', String(spec.connections)];
  // autocannon stops only at a sample tick (1 s by default): short counted runs tick faster.
  if (spec.amount) args.push('-a', String(spec.amount), '-L', '50');
  else args.push('-d', String(spec.seconds));
  // "Name=value": autocannon splits each -H at the first ':' or '='.
  for (const [k, v] of Object.entries(spec.headers)) args.push('-H', k + '=' + v);
  args.push(spec.url);
  return new Promise((resolve, reject) => {
    const child = spawn(AUTOCANNON, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', (e) => reject(new Error('Could not start autocannon (' + e.message + '): run `npm install`.')));
    child.on('close', (code) => {
      const line = stdout.split('\n').reverse().find((l) => l.startsWith('{'));
      if (code !== 0 || !line) {
        reject(new Error('autocannon failed on ' + redact(spec.url) + ' (exit ' + code + '): ' + (stderr.trim().slice(-500) || 'no output')));
        return;
      }
      const j = JSON.parse(line) as AutocannonJson;
      const expected = (j.statusCodeStats && j.statusCodeStats[String(spec.expect)]) || { count: 0 };
      const answered = Object.values(j.statusCodeStats || {}).reduce((n, s) => n + s.count, 0);
      // requests.average is a mean of 1 s samples, useless for sub-second runs: total / duration is not.
      resolve({
        requestsPerSecond: round(j.requests.total / j.duration, 0),
        p50Ms: j.latency.p50,
        p99Ms: j.latency.p99,
        requests: j.requests.total,
        seconds: j.duration,
        unexpected: answered - expected.count + j.errors + j.timeouts,
      });
    });
  });
}
