// The data directory of `npm start`: LevelDB files (the `_users` hashes and the design doc that
// holds the token key among them), config.json and admin.json. It is created 0700, an existing
// one is tightened, and nothing inside stays readable by other users of the machine (D7, docs/stand-in.md).
import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Files and directories below `dir` that other users could read or enter, made private. */
function tightenTree(dir: string): number {
  let changed = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) continue;
    const mode = lstatSync(path).mode & 0o777;
    if (entry.isDirectory()) {
      if (mode & 0o077) {
        chmodSync(path, mode & 0o700);
        changed += 1;
      }
      changed += tightenTree(path);
    } else if (mode & 0o077) {
      chmodSync(path, mode & 0o700);
      changed += 1;
    }
  }
  return changed;
}

/**
 * Creates `dir` 0700 (and its missing parents), or tightens an existing one and everything in
 * it, saying so through `log`. New files the process creates get no group or other bits.
 */
export function secureDataDir(dir: string, log: (line: string) => void): void {
  // LevelDB and express-pouchdb create their files with the process umask
  process.umask(process.umask() | 0o077);
  let existed = true;
  try {
    lstatSync(dir);
  } catch {
    existed = false;
  }
  if (!existed) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    return;
  }
  const mode = lstatSync(dir).mode & 0o777;
  if (mode !== 0o700) chmodSync(dir, 0o700);
  const inside = tightenTree(dir);
  if (mode !== 0o700 || inside > 0) {
    const was = mode.toString(8).padStart(4, '0');
    log('data directory ' + dir + ' (mode ' + was + '): made it 0700' + (inside > 0 ? ' and ' + inside + ' entries in it private to this user' : '') + ', as it holds password hashes and the token key');
  }
}
