// D7: `npm start -- --data DIR` keeps password hashes and the token key in DIR. It was created
// with the default mode (0755, files 0644), so every user of the machine could read them. Now
// the directory is 0700, an existing one is tightened with a message, and no file inside is
// readable by group or others.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { backendKind } from '../support/registry';

const ROOT = join(import.meta.dirname, '..', '..');
const embedded = backendKind() === 'embedded';
if (!embedded) console.log('standin-data-dir skipped on ' + backendKind() + ': the data directory belongs to the embedded stand-in (`npm start`), which this run does not use');

const base = mkdtempSync(join(tmpdir(), 'standin-data-'));
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null && child.pid) process.kill(child.pid, 'SIGTERM');
  rmSync(base, { recursive: true, force: true });
});

/** Runs `couch-registry start --data dir` until it prints the registry URL; returns its output. */
function start(dir: string): Promise<{ output: string; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'couch-registry.js'), 'start', '--port', '0', '--data', dir], { cwd: base, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('start did not print the registry URL in time:\n' + output)), 90_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (/use it with:/.test(output)) {
        clearTimeout(timer);
        resolve({
          output,
          stop: () => new Promise<void>((done) => {
            child.once('exit', () => done());
            child.kill('SIGTERM');
          }),
        });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error('start exited with ' + code + ':\n' + output));
    });
  });
}

/** Every path below dir with group or other permission bits. */
function exposed(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (statSync(path).mode & 0o077) out.push(path + ' ' + (statSync(path).mode & 0o777).toString(8));
    if (entry.isDirectory()) out.push(...exposed(path));
  }
  return out;
}

describe.skipIf(!embedded)('the data directory of npm start (D7)', () => {
  it('is created 0700 with nothing inside readable by others', async () => {
    const dir = join(base, 'fresh', 'data');
    const run = await start(dir);
    try {
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(readdirSync(dir).length).toBeGreaterThan(2);
      expect(exposed(dir)).toEqual([]);
    } finally {
      await run.stop();
    }
  });

  it('tightens an existing world-readable directory and its files, and says so', async () => {
    const dir = join(base, 'old');
    mkdirSync(join(dir, 'registry'), { recursive: true, mode: 0o755 });
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'registry', 'LOG'), 'x', { mode: 0o644 });
    chmodSync(join(dir, 'registry', 'LOG'), 0o644);
    const run = await start(dir);
    try {
      expect(run.output).toMatch(/data directory .*old \(mode 0755\): made it 0700/);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(exposed(dir)).toEqual([]);
    } finally {
      await run.stop();
    }
  });
});
