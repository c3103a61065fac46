// Compiles couchapp/ into the registry's design documents. Each design-doc function is bundled on
// its own by esbuild (shared modules included, since CouchDB's `require` differs between engines
// and the stand-in) and wrapped in an anonymous function that runs the bundle once and returns
// the design-doc function: CouchDB keeps what the source evaluates to for the life of its query
// server process, so module set-up is not repeated on every request. Same
// sources, same bytes: files are taken in sorted order and nothing depends on time or paths
// outside the repository.
import { build } from 'esbuild';
import { readdirSync, existsSync } from 'node:fs';
import { join, basename, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { routes, USERS_DDOC } from '../../couchapp/routes';
import { toRewrites, routeProblems } from './rewrites';
import { engineProblems } from './syntax';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const COUCHAPP = join(ROOT, 'couchapp');

export const APP_DDOC_ID = '_design/app';
export const API_DDOC_ID = '_design/api';
export const USERS_DDOC_ID = '_design/' + USERS_DDOC;

export interface DesignDocJson {
  _id: string;
  language: 'javascript';
  [key: string]: unknown;
}

export interface BuiltDesignDocs {
  app: DesignDocJson;
  /** Only rewrites: the `/-/…` routes, reached through one rule of the app design doc. */
  api: DesignDocJson;
  users: DesignDocJson;
}

/** Bundles one module and returns the source of a CouchDB function that calls `exportName`. */
export async function compileFunction(file: string, exportName = 'default'): Promise<string> {
  const result = await build({
    entryPoints: [file],
    absWorkingDir: ROOT,
    bundle: true,
    write: false,
    format: 'iife',
    globalName: '__m',
    platform: 'neutral',
    target: 'es2017',
    charset: 'ascii',
    legalComments: 'none',
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].text.trim();
  const source = '(function () {\n' + code + '\nreturn __m[' + JSON.stringify(exportName) + '];\n})()';
  const problems = engineProblems(source);
  if (problems.length > 0) {
    const where = file.slice(ROOT.length + 1);
    throw new Error(where + ' compiles to code CouchDB cannot run: ' + problems.map((p) => 'line ' + p.line + ' ' + p.message).join('; '));
  }
  return source;
}

function modulesIn(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts'))
    .sort()
    .map((f) => join(dir, f));
}

async function compileAll(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const file of modulesIn(dir)) out[basename(file, '.ts')] = await compileFunction(file);
  return out;
}

async function compileViews(dir: string): Promise<Record<string, { map: string; reduce?: string }>> {
  const out: Record<string, { map: string; reduce?: string }> = {};
  for (const file of modulesIn(dir)) {
    const mod = await import(pathToFileURL(file).href);
    const view: { map: string; reduce?: string } = { map: await compileFunction(file, 'map') };
    if (typeof mod.reduce === 'string') view.reduce = mod.reduce;
    else if (typeof mod.reduce === 'function') view.reduce = await compileFunction(file, 'reduce');
    out[basename(file, '.ts')] = view;
  }
  return out;
}

export async function buildDesignDocs(): Promise<BuiltDesignDocs> {
  const rules = toRewrites(routes);
  const app: DesignDocJson = {
    _id: APP_DDOC_ID,
    language: 'javascript',
    rewrites: rules.app,
    shows: await compileAll(join(COUCHAPP, 'shows')),
    lists: await compileAll(join(COUCHAPP, 'lists')),
    updates: await compileAll(join(COUCHAPP, 'updates')),
    views: await compileViews(join(COUCHAPP, 'views')),
  };
  const validate = join(COUCHAPP, 'validate', 'index.ts');
  if (existsSync(validate)) app.validate_doc_update = await compileFunction(validate);
  const users: DesignDocJson = {
    _id: USERS_DDOC_ID,
    language: 'javascript',
    shows: await compileAll(join(COUCHAPP, 'users', 'shows')),
    updates: await compileAll(join(COUCHAPP, 'users', 'updates')),
  };
  const usersValidate = join(COUCHAPP, 'users', 'validate', 'index.ts');
  if (existsSync(usersValidate)) users.validate_doc_update = await compileFunction(usersValidate);
  const problems = routeProblems(routes, app as never, users as never, USERS_DDOC);
  if (problems.length > 0) throw new Error('The route table is broken: ' + problems.join('; '));
  const api: DesignDocJson = { _id: API_DDOC_ID, language: 'javascript', rewrites: rules.api };
  return { app, api, users };
}
