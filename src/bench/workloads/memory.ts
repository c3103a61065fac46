// Workload 5, memory: resident memory of the server before the workloads (registry set up, empty)
// and after them, grouped by process name so couchjs query servers show apart from beam.smp.
import { head, type BenchContext, type LineHead } from '../context';
import type { MemoryReading } from '../backend';

export interface MemoryPoint {
  totalKiB: number;
  /** name → total KiB and process count, e.g. {"beam.smp": {kib: 90000, count: 1}, "couchjs": …} */
  byName: Record<string, { kib: number; count: number }>;
}

export interface MemoryResult extends LineHead {
  available: boolean;
  /** What was measured, or why nothing was. */
  scope: string;
  before: MemoryPoint | null;
  after: MemoryPoint | null;
}

function point(r: MemoryReading): MemoryPoint | null {
  if (!r.ok) return null;
  const byName: MemoryPoint['byName'] = {};
  for (const p of r.sample.processes) {
    const entry = byName[p.name] || (byName[p.name] = { kib: 0, count: 0 });
    entry.kib += p.rssKiB;
    entry.count++;
  }
  return { totalKiB: r.sample.totalKiB, byName };
}

export function memory(ctx: BenchContext, before: MemoryReading, after: MemoryReading): MemoryResult {
  const scope = after.ok ? after.scope : after.reason;
  return { ...head(ctx, 'memory'), available: before.ok && after.ok, scope, before: point(before), after: point(after) };
}
