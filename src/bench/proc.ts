// Resident memory of the server under test, read from /proc (Linux): the process listening on
// CouchDB's port (beam.smp) and all its descendants (erl_child_setup, the couchjs query servers).
// Found by port rather than by name, so it works for a throwaway node and a local --couch alike.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';

export interface ProcessMemory {
  pid: number;
  name: string;
  rssKiB: number;
}

export interface MemorySample {
  processes: ProcessMemory[];
  totalKiB: number;
}

/** A /proc file's text, or null when it is gone (processes come and go while we read). */
export function readProc(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function pids(): number[] {
  try {
    return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).map(Number);
  } catch {
    return [];
  }
}

/** The socket inodes listening on `port` (IPv4 and IPv6). */
function listeningInodes(port: number): Set<string> {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const text = readProc(table);
    if (!text) continue;
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // f[1] local address "ADDR:PORT", f[3] state (0A = LISTEN), f[9] inode
      if (f.length > 9 && f[3] === '0A' && f[1].endsWith(':' + hex)) inodes.add(f[9]);
    }
  }
  return inodes;
}

/** The pid of the process listening on `port`, if this user may see it. */
export function listeningPid(port: number): number | null {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return null;
  for (const pid of pids()) {
    let fds: string[];
    try {
      fds = readdirSync('/proc/' + pid + '/fd');
    } catch {
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync('/proc/' + pid + '/fd/' + fd);
      } catch {
        continue;
      }
      const m = /^socket:\[(\d+)\]$/.exec(link);
      if (m && inodes.has(m[1])) return pid;
    }
  }
  return null;
}

export function processName(pid: number): string {
  return (readProc('/proc/' + pid + '/comm') || '?').trim();
}

/** The program a process runs ("beam.smp", "node"), whatever title it gave itself (vitest does). */
export function programName(pid: number): string {
  try {
    return basename(readlinkSync('/proc/' + pid + '/exe'));
  } catch {
    return processName(pid);
  }
}

function rssKiB(pid: number): number | null {
  const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readProc('/proc/' + pid + '/status') || '');
  return m ? Number(m[1]) : null;
}

export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const pid of pids()) {
    const stat = readProc('/proc/' + pid + '/stat');
    if (!stat) continue;
    // The name field may hold spaces and parentheses: the parent pid follows the last ')'.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) || [];
    list.push(pid);
    children.set(ppid, list);
  }
  const out: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift() as number;
    out.push(pid);
    queue.push(...(children.get(pid) || []));
  }
  return out;
}

/** RSS of `root` and everything it started; processes that ended meanwhile are skipped. */
export function processTreeMemory(root: number): MemorySample {
  const processes: ProcessMemory[] = [];
  for (const pid of descendants(root)) {
    const rss = rssKiB(pid);
    if (rss !== null) processes.push({ pid, name: processName(pid), rssKiB: rss });
  }
  return { processes, totalKiB: processes.reduce((n, p) => n + p.rssKiB, 0) };
}

/** RSS of one process alone (a node process's children are not part of the server). */
export function processMemory(pid: number): MemorySample {
  const rss = rssKiB(pid) || 0;
  return { processes: [{ pid, name: processName(pid), rssKiB: rss }], totalKiB: rss };
}

export function ownMemory(): MemorySample {
  const rss = Math.round(process.memoryUsage().rss / 1024);
  return { processes: [{ pid: process.pid, name: 'node (this process)', rssKiB: rss }], totalKiB: rss };
}
