// Compiles couchapp/ into the registry's design documents. Each design-doc function is bundled on
// its own by esbuild (shared modules included, since CouchDB's `require` differs between engines
// and the stand-in) and wrapped in an anonymous function that runs the bundle once and returns
// the design-doc function: CouchDB keeps what the source evaluates to for the life of its query
// server process, so module set-up is not repeated on every request. Same
// sources, same bytes: files are taken in sorted order and nothing depends on time or paths
// outside the repository.
//
// The views live in a design doc of their own, `_design/views`, compiled from index-side code
// only: CouchDB keys a design doc's view index by a signature over every view it holds (map and
// reduce source, names, options), `views.lib`, the language and the design options
// (couch_mrview_util.erl, ddoc_to_mrst), so any byte that changes there rebuilds every index
// (docs/couchdb.md §13). Their source is printed again without comments: a comment, or moving a
// module to another file, changes no view. Shows, lists and update handlers stay in `_design/app`,
// where a change rebuilds nothing; the lists read the views through `_list/LIST/views/VIEW`.
import { build } from 'esbuild';
import ts from 'typescript';
import { readdirSync, existsSync } from 'node:fs';
import { join, basename, dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { routes, USERS_DDOC } from '../../couchapp/routes';
import { toRewrites, routeProblems, VIEWS } from './rewrites';
import { engineProblems } from './syntax';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const COUCHAPP = join(ROOT, 'couchapp');

export const APP_DDOC_ID = '_design/app';
export const API_DDOC_ID = '_design/api';
/** Every view of the registry, and nothing else (see the top of this file). */
export const VIEWS_DDOC_ID = '_design/' + VIEWS;
export const USERS_DDOC_ID = '_design/' + USERS_DDOC;

export interface DesignDocJson {
  _id: string;
  language: 'javascript';
  [key: string]: unknown;
}

export interface ViewJson {
  map: string;
  reduce?: string;
}

export interface ViewsDesignDocJson {
  _id: string;
  language: 'javascript';
  views: Record<string, ViewJson>;
}

export interface BuiltDesignDocs {
  app: DesignDocJson;
  /** Only views, from index-side code: what CouchDB's index signature covers. */
  views: ViewsDesignDocJson;
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

/** A view function without comments: the same code gives the same bytes, whatever its comments say. */
export function withoutComments(source: string): string {
  const file = ts.createSourceFile('view.js', source, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });
  const out = printer.printFile(file).trim().replace(/;$/, '');
  const problems = engineProblems(out);
  if (problems.length > 0) throw new Error('a view prints to code CouchDB cannot run: ' + problems.map((p) => 'line ' + p.line + ' ' + p.message).join('; '));
  return out;
}

async function compileViewFunction(file: string, exportName: string): Promise<string> {
  return withoutComments(await compileFunction(file, exportName));
}

async function compileViews(dir: string): Promise<Record<string, ViewJson>> {
  const out: Record<string, ViewJson> = {};
  for (const file of modulesIn(dir)) {
    const mod = await import(pathToFileURL(file).href);
    const view: ViewJson = { map: await compileViewFunction(file, 'map') };
    if (typeof mod.reduce === 'string') view.reduce = mod.reduce;
    else if (typeof mod.reduce === 'function') view.reduce = await compileViewFunction(file, 'reduce');
    out[basename(file, '.ts')] = view;
  }
  return out;
}

/** The views design doc from the `couchapp/views` folder of `root` (another root only in tests). */
export async function buildViewsDoc(root: string = ROOT): Promise<ViewsDesignDocJson> {
  return { _id: VIEWS_DDOC_ID, language: 'javascript', views: await compileViews(join(root, 'couchapp', 'views')) };
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
  };
  const views = await buildViewsDoc();
  const validate = join(COUCHAPP, 'validate', 'index.ts');
  if (existsSync(validate)) app.validate_doc_update = await compileFunction(validate);
  const users: DesignDocJson = {
    _id: USERS_DDOC_ID,
    language: 'javascript',
    updates: await compileAll(join(COUCHAPP, 'users', 'updates')),
  };
  const usersValidate = join(COUCHAPP, 'users', 'validate', 'index.ts');
  if (existsSync(usersValidate)) users.validate_doc_update = await compileFunction(usersValidate);
  const problems = routeProblems(routes, app as never, views, users as never, USERS_DDOC);
  if (problems.length > 0) throw new Error('The route table is broken: ' + problems.join('; '));
  const api: DesignDocJson = { _id: API_DDOC_ID, language: 'javascript', rewrites: rules.api };
  return { app, views, api, users };
}
