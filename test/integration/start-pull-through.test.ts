// `npm start` hosts the pull-through in-process: a fresh embedded registry installs packages
// that only its upstream has (a counting test upstream here, the public registry by default),
// through npm and through pnpm, and `--private-scope` keeps a scope away from the upstream.
// This runs the embedded default whatever backend the rest of the suite uses.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../../src/ddoc/build';
import { NpmUser, makeProject } from '../../src/npm/client';
import { startUpstream, type TestUpstream } from '../support/upstream';

const PNPM = join(ROOT, 'node_modules', 'pnpm', 'bin', 'pnpm.mjs');

/** Starts `couch-registry start` and resolves with the registry URL it prints. */
function start(args: string[]): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'couch-registry.js'), 'start', '--memory', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('npm start printed no registry URL in 60 s:\n' + output)), 60_000);
    const onData = (d: Buffer) => {
      output += d;
      const m = /^registry: (\S+)$/m.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({ child, url: m[1], output: () => output });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error('npm start exited with ' + code + ':\n' + output));
    });
  });
}

describe('npm start with --upstream: the pull-through inside the embedded server', () => {
  let up: TestUpstream;
  let registry: { child: ChildProcess; url: string; output: () => string };

  beforeAll(async () => {
    up = await startUpstream();
    up.publish('st-leaf', '1.0.0');
    up.publish('st-top', '2.0.0', { deps: { 'st-leaf': '^1.0.0' } });
    up.publish('@corp/inside', '1.0.0');
    registry = await start(['--upstream', up.url, '--private-scope', '@corp']);
  });

  afterAll(async () => {
    registry.child.kill('SIGTERM');
    await up.stop();
  });

  it('says where missing packages come from, and npm installs one only the upstream has', async () => {
    expect(registry.output()).toContain('packages missing here are fetched from ' + up.url);
    const kim = new NpmUser(registry.url, 'kim');
    const proj = makeProject(kim.home, { 'st-top': '^2.0.0' });
    const r = await kim.run(['install'], { cwd: proj });
    expect(r.code, r.output).toBe(0);
    const lock = JSON.parse(readFileSync(join(proj, 'package-lock.json'), 'utf8'));
    expect(lock.packages['node_modules/st-leaf'].resolved.startsWith(registry.url)).toBe(true);
    expect(up.fetchesOf('st-top')).toBe(1);
  });

  it('pnpm installs through it too, with the upstream\'s integrity', async () => {
    const kim = new NpmUser(registry.url, 'kim-pnpm');
    const proj = makeProject(kim.home, { 'st-top': '^2.0.0' });
    // pnpm would otherwise look itself up in the registry to offer an update
    writeFileSync(join(proj, '.npmrc'), 'registry=' + registry.url + '\nupdate-notifier=false\n');
    const r = spawnSync(process.execPath, [PNPM, 'install', '--store-dir', join(kim.home, 'store'), '--config.confirmModulesPurge=false', '--config.update-notifier=false'], {
      cwd: proj, encoding: 'utf8', env: { ...process.env, npm_config_registry: registry.url, npm_config_userconfig: kim.userconfig, npm_config_update_notifier: 'false', NO_COLOR: '1' }, timeout: 120_000,
    });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const lock = readFileSync(join(proj, 'pnpm-lock.yaml'), 'utf8');
    expect(lock).toMatch(/st-leaf@1\.0\.0/);
    expect(lock).toMatch(/integrity: sha512-/);
    expect(JSON.parse(readFileSync(join(proj, 'node_modules', 'st-top', 'package.json'), 'utf8')).version).toBe('2.0.0');
  });

  it('never asks the upstream for a --private-scope name', async () => {
    const before = up.requests;
    const res = await fetch(registry.url + '@corp%2finside', { redirect: 'manual' });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toMatch(/its scope is private here/);
    expect(up.requests).toBe(before);
  });
});
