// Drives the real npm client the way a person would, for the tests and the benchmark: each user has
// their own npmrc and cache, and nothing from the environment that runs them (npm_config_* of
// `npm test` or `npm run bench`) leaks in.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const PTY_RUN = join(dirname(fileURLToPath(import.meta.url)), 'pty-run.py');

export interface NpmResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr together, for error messages */
  output: string;
}

function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || /^npm_/i.test(k)) continue;
    env[k] = v;
  }
  return { ...env, NO_UPDATE_NOTIFIER: '1', NO_COLOR: '1', ...extra };
}

export class NpmUser {
  readonly home: string;
  readonly userconfig: string;
  cache: string;

  constructor(readonly registry: string, readonly name = 'anonymous') {
    this.home = mkdtempSync(join(tmpdir(), 'npm-' + name + '-'));
    this.userconfig = join(this.home, 'npmrc');
    this.cache = join(this.home, 'cache');
    writeFileSync(this.userconfig, '');
  }

  /** A fresh, empty cache, so the next install fetches every tarball over HTTP. */
  freshCache(): void {
    this.cache = mkdtempSync(join(this.home, 'cache-'));
  }

  private argv(args: string[]): string[] {
    return [
      ...args,
      '--registry', this.registry,
      '--userconfig', this.userconfig,
      '--cache', this.cache,
      '--fetch-retries', '0',
      '--update-notifier', 'false',
      '--fund', 'false',
      '--color', 'false',
    ];
  }

  run(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<NpmResult> {
    return collect(spawn('npm', this.argv(args), { cwd: opts.cwd || this.home, env: cleanEnv(opts.env), stdio: ['ignore', 'pipe', 'pipe'] }));
  }

  /** `npm login`/`npm adduser` at a terminal, answering the prompts. */
  interactive(args: string[], answers: Array<[string, string]>): Promise<NpmResult> {
    const spec = { argv: ['npm', ...this.argv(args)], cwd: this.home, env: cleanEnv(), answers, timeout: 60 };
    const child = spawn('python3', [PTY_RUN], { stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin.end(JSON.stringify(spec));
    return collect(child);
  }

  login(name: string, password: string): Promise<NpmResult> {
    return this.interactive(['login'], [['Username:', name], ['Password:', password]]);
  }

  adduser(name: string, password: string, email: string): Promise<NpmResult> {
    return this.interactive(['adduser'], [['Username:', name], ['Password:', password], ['Email', email]]);
  }

  npmrc(): string {
    return existsSync(this.userconfig) ? readFileSync(this.userconfig, 'utf8') : '';
  }

  /** The login token npm stored, or undefined. */
  token(): string | undefined {
    const m = /:_authToken=(\S+)/.exec(this.npmrc());
    return m ? m[1] : undefined;
  }
}

function collect(child: ChildProcess): Promise<NpmResult> {
  return new Promise((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d) => { stdout += d; });
    child.stderr?.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr, output: stdout + stderr }));
  });
}

/** Writes a package directory with package.json and a few files; returns its path. */
export function makePackage(parent: string, manifest: Record<string, unknown>, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(parent, 'pkg-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  const all = { 'index.js': 'module.exports = ' + JSON.stringify(String(manifest.name) + '@' + String(manifest.version)) + ';\n', ...files };
  for (const [name, content] of Object.entries(all)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

/** An empty project to install into. */
export function makeProject(parent: string, deps: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(parent, 'proj-'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'proj', version: '1.0.0', private: true, dependencies: deps }, null, 2));
  return dir;
}
