// How much of the machine other processes used while a workload ran. On a shared 2-core machine a
// test suite running next to the benchmark can halve its numbers, so every workload reports the
// CPU share that was neither the benchmark (with its load generator and npm) nor the server.
// Linux only: /proc/stat for the machine, /proc/<pid>/stat for the processes we account for.
import { descendants, readProc } from './proc';

export interface ServerProcess {
  pid: number;
  /** Count its descendants too (CouchDB's couchjs processes). */
  tree: boolean;
}

interface Snapshot {
  /** All CPU ticks of the machine, idle included. */
  total: number;
  busy: number;
  /** Ticks of our processes: own time plus that of children they reaped, so exits do not lose any. */
  ours: number;
}


function machine(): { total: number; busy: number } | null {
  const line = (readProc('/proc/stat') || '').split('\n')[0];
  if (!line.startsWith('cpu ')) return null;
  // user nice system idle iowait irq softirq steal (guest time is already inside user)
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const busy = user + nice + system + irq + softirq + (steal || 0);
  return { total: busy + idle + iowait, busy };
}

function processTicks(pid: number): number {
  const stat = readProc('/proc/' + pid + '/stat');
  if (!stat) return 0;
  // After the name's closing ')': state is field 0, utime 11, stime 12, cutime 13, cstime 14.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
}

export class CpuMeter {
  /** `server` finds the server when it is not our own child (a local --couch). */
  constructor(private readonly server: () => ServerProcess | null) {}

  snapshot(): Snapshot | null {
    const m = machine();
    if (!m) return null;
    const pids = new Set(descendants(process.pid));
    const server = this.server();
    if (server) for (const pid of server.tree ? descendants(server.pid) : [server.pid]) pids.add(pid);
    let ours = 0;
    for (const pid of pids) ours += processTicks(pid);
    return { ...m, ours };
  }

  /** Percent of the whole machine used by other processes since `start`, or null off Linux. */
  otherPercent(start: Snapshot | null): number | null {
    const end = this.snapshot();
    if (!start || !end || end.total <= start.total) return null;
    const other = end.busy - start.busy - (end.ours - start.ours);
    return Math.max(0, Math.round((1000 * other) / (end.total - start.total)) / 10);
  }
}
