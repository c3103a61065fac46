// Which code may import which (README, "Architecture"): couchapp/ runs inside CouchDB and may use
// only itself and src/shared; src/shared is used on both sides and imports nothing outside itself;
// the rest of the registry reaches the embedded stand-in through src/embedded/index.ts only; and
// every package the code loads is declared in package.json (the stand-in's exactly, since it
// patches them).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SOURCE = /\.(ts|mts|js|mjs|cjs)$/;

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, dir))) {
    const path = join(dir, entry);
    if (statSync(join(ROOT, path)).isDirectory()) out.push(...filesUnder(path));
    else if (SOURCE.test(entry)) out.push(path);
  }
  return out;
}

/** A relative specifier as the file it names (repository-relative), the way tsx and tsc resolve it. */
function resolveRelative(from: string, spec: string): string {
  const base = resolve(ROOT, dirname(from), spec);
  const candidates = [base, base.replace(/\.(m?)js$/, '.$1ts'), `${base}.ts`, join(base, 'index.ts'), `${base}.js`];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  return relative(ROOT, found ?? base);
}

interface Import {
  from: string;
  spec: string;
  /** the repository file for a relative specifier, undefined for a package or builtin */
  file?: string;
}

const builtins = new Set(builtinModules);
const isBuiltin = (spec: string) => spec.startsWith('node:') || builtins.has(spec.split('/')[0]);
const packageOf = (spec: string) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

// static imports and re-exports, import(), and require() (createRequire's included)
const IMPORTS: Import[] = ['src', 'test', 'couchapp', 'scripts']
  .flatMap(filesUnder)
  .flatMap((from) =>
    ts.preProcessFile(readFileSync(join(ROOT, from), 'utf8'), true, true).importedFiles.map(({ fileName: spec }) =>
      spec.startsWith('.') ? { from, spec, file: resolveRelative(from, spec) } : { from, spec },
    ),
  );

const inside = (dir: string) => (path: string) => path.startsWith(`${dir}/`);
const described = (list: Import[]) => list.map((i) => `${i.from} imports ${i.spec}`);

describe('architecture: who imports whom', () => {
  it('the import scan sees static, dynamic and require() imports', () => {
    // if parsing went wrong every rule below would pass on nothing
    expect(IMPORTS).toContainEqual({ from: 'src/cli/main.ts', spec: '../embedded/index', file: 'src/embedded/index.ts' });
    expect(IMPORTS).toContainEqual({ from: 'src/embedded/patch.ts', spec: 'couchdb-eval' });
    expect(IMPORTS.filter((i) => i.from.startsWith('couchapp/') && i.file?.startsWith('src/shared/')).length).toBeGreaterThan(10);
  });

  it('outside src/embedded (and its own tests), code enters the stand-in through src/embedded/index.ts only', () => {
    const reaching = IMPORTS.filter(
      (i) => !inside('src/embedded')(i.from) && !inside('test/embedded')(i.from) && i.file !== undefined && inside('src/embedded')(i.file),
    );
    expect(reaching.length).toBeGreaterThan(0);
    expect(described(reaching.filter((i) => i.file !== 'src/embedded/index.ts'))).toEqual([]);
  });

  it('src/shared imports nothing outside src/shared: no other module of ours, no package, no Node builtin', () => {
    const shared = IMPORTS.filter((i) => inside('src/shared')(i.from));
    expect(described(shared.filter((i) => i.file === undefined || !inside('src/shared')(i.file)))).toEqual([]);
  });

  it('couchapp/ imports only couchapp/ and src/shared: nothing of the Node side', () => {
    const app = IMPORTS.filter((i) => inside('couchapp')(i.from));
    const allowed = (file: string) => inside('couchapp')(file) || inside('src/shared')(file);
    expect(described(app.filter((i) => i.file === undefined || !allowed(i.file)))).toEqual([]);
  });
});

describe('architecture: declared packages', () => {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
    devDependencies: Record<string, string>;
  };
  const packages = (list: Import[]) => [...new Set(list.filter((i) => i.file === undefined && !isBuiltin(i.spec)).map((i) => packageOf(i.spec)))].sort();

  it('every package the code loads is declared in package.json, none found by luck of hoisting', () => {
    const declared = { ...pkg.dependencies, ...pkg.devDependencies };
    const used = packages(IMPORTS);
    expect(used).toContain('express-pouchdb');
    expect(used.filter((name) => !(name in declared))).toEqual([]);
  });

  it('every package src/embedded loads is a runtime dependency pinned to one exact version', () => {
    const used = packages(IMPORTS.filter((i) => inside('src/embedded')(i.from)));
    expect(used).toEqual(expect.arrayContaining(['express-pouchdb', 'couchdb-eval', 'pouchdb-auth', 'pouchdb-core']));
    const loose = used.filter((name) => !/^\d+\.\d+\.\d+$/.test(pkg.dependencies[name] ?? ''));
    // express is imported for its types only, and comes with express-pouchdb
    expect(loose.filter((name) => name !== 'express')).toEqual([]);
  });
});
