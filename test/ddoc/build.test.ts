import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { buildDesignDocs, buildViewsDoc, compileFunction, ROOT, withoutComments, type BuiltDesignDocs } from '../../src/ddoc/build';
import { engineProblems } from '../../src/ddoc/syntax';
import { cpSync, mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

let first: BuiltDesignDocs;

function functionsOf(built: object): Array<[string, string]> {
  const doc = built as Record<string, unknown>;
  const out: Array<[string, string]> = [];
  for (const section of ['shows', 'lists', 'updates']) {
    for (const [name, src] of Object.entries((doc[section] || {}) as Record<string, string>)) out.push([section + '.' + name, src]);
  }
  for (const [name, view] of Object.entries((doc.views || {}) as Record<string, { map: string; reduce?: string }>)) {
    out.push(['views.' + name + '.map', view.map]);
    if (view.reduce && view.reduce.charAt(0) !== '_') out.push(['views.' + name + '.reduce', view.reduce]);
  }
  if (typeof doc.validate_doc_update === 'string') out.push(['validate_doc_update', doc.validate_doc_update]);
  return out;
}

describe('npm run build (the design-doc compiler)', () => {
  beforeAll(async () => {
    first = await buildDesignDocs();
  });

  it('produces the same bytes from the same sources', async () => {
    const second = await buildDesignDocs();
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it('compiles every function of the design docs to code both CouchDB engines accept', () => {
    const all = [...functionsOf(first.app), ...functionsOf(first.views), ...functionsOf(first.users)];
    expect(all.length).toBeGreaterThan(5);
    for (const [name, src] of all) {
      expect({ name, problems: engineProblems(src) }).toEqual({ name, problems: [] });
    }
  });

  it('bundles shared modules into each function instead of require()', () => {
    for (const [, src] of [...functionsOf(first.app), ...functionsOf(first.views)]) expect(src).not.toMatch(/\brequire\(/);
  });

  it('puts every view in _design/views, which holds nothing else, and none in _design/app', () => {
    expect(Object.keys(first.views)).toEqual(['_id', 'language', 'views']);
    expect(first.views._id).toBe('_design/views');
    expect(Object.keys(first.views.views)).toEqual(['by-maintainer', 'conflicts', 'modified', 'origins', 'search', 'starredByUser']);
    expect(first.app.views).toBeUndefined();
    for (const [, src] of functionsOf(first.views)) expect(src).not.toMatch(/\/\/|\/\*/);
  });

  it('refuses to compile a module that uses spread syntax, naming the file', async () => {
    const dir = mkdtempSync(join(ROOT, '.tmp-'));
    const file = join(dir, 'bad.ts');
    writeFileSync(file, 'export default function (doc: any) { const a = [1, 2]; return Math.max(...a) + doc; }\n');
    try {
      await expect(compileFunction(file)).rejects.toThrow(/bad\.ts compiles to code CouchDB cannot run: .*spread/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the views design doc: index-side code only, so a change elsewhere rebuilds no index', () => {
  // A copy of the design-doc sources under the repository (so imports resolve the same way), edited.
  let copy: string;
  const edit = (file: string, from: string, to: string) => {
    const path = join(copy, file);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain(from);
    writeFileSync(path, text.replace(from, to));
  };
  const fresh = () => {
    if (copy) rmSync(copy, { recursive: true, force: true });
    copy = mkdtempSync(join(ROOT, '.tmp-views-'));
    cpSync(join(ROOT, 'couchapp'), join(copy, 'couchapp'), { recursive: true });
    cpSync(join(ROOT, 'src', 'shared'), join(copy, 'src', 'shared'), { recursive: true });
  };
  let original: string;
  beforeAll(async () => {
    original = JSON.stringify(await buildViewsDoc());
  });
  afterAll(() => {
    if (copy) rmSync(copy, { recursive: true, force: true });
  });

  it('is the same bytes when built twice, and from a copy of the sources elsewhere', async () => {
    expect(JSON.stringify(await buildViewsDoc())).toBe(original);
    fresh();
    expect(JSON.stringify(await buildViewsDoc(copy))).toBe(original);
  });

  it('does not change when a query-side constant, a weight or a comment of the query half changes', async () => {
    fresh();
    const page = await compileFunction(join(copy, 'couchapp', 'lists', 'search-page.ts'));
    edit('src/shared/search-query.ts', 'maxSize: 250,', 'maxSize: 100,');
    edit('src/shared/search-query.ts', 'defaultSize: 20,', 'defaultSize: 25,');
    edit('src/shared/search-query.ts', 'export const WEIGHTS = [10, 8, 4, 2, 1];', 'export const WEIGHTS = [12, 8, 4, 2, 1];');
    edit('src/shared/search-query.ts', 'export interface SearchPage {', '// a comment that says something new\nexport interface SearchPage {');
    // the edits reach the lists (which live in _design/app) ...
    expect(await compileFunction(join(copy, 'couchapp', 'lists', 'search-page.ts'))).not.toBe(page);
    // ... and not the views
    expect(JSON.stringify(await buildViewsDoc(copy))).toBe(original);
  });

  it('does not change when a comment of the index half changes, even inside an object', async () => {
    fresh();
    edit('src/shared/search-index.ts', '  descriptionChars: 200,', '  /** now with a comment that esbuild would keep */\n  descriptionChars: 200, // and another');
    edit('couchapp/views/search.ts', 'export function map(', '/** The map. */\nexport function map(');
    expect(JSON.stringify(await buildViewsDoc(copy))).toBe(original);
  });

  it('changes when index-side code changes (so the tests above can fail)', async () => {
    fresh();
    edit('src/shared/search-index.ts', 'descriptionChars: 200,', 'descriptionChars: 180,');
    const changed = await buildViewsDoc(copy);
    expect(JSON.stringify(changed)).not.toBe(original);
    const before = JSON.parse(original);
    expect(changed.views.search.map).not.toBe(before.views.search.map);
    expect(changed.views.origins).toEqual(before.views.origins);
  });

  it('prints a view without its comments and keeps what the engines accept', () => {
    const src = '(function () {\n  // one\n  var o = { /** two */ a: 1, b: "\\u2026" /* three */ };\n  return function (doc) { emit(doc._id, o.a + /x\\/y/.source); };\n})()';
    const out = withoutComments(src);
    expect(out).not.toMatch(/one|two|three/);
    expect(out).toContain('"\\u2026"');
    expect(out).toContain('/x\\/y/');
    expect(engineProblems(out)).toEqual([]);
  });
});

describe('the engine syntax check', () => {
  const cases: Array<[string, string, RegExp | null]> = [
    ['a plain anonymous function', 'function (doc) { return doc; }', null],
    ['an anonymous function called at once that returns one', '(function () { var k = 1; return function (doc) { return doc + k; }; })()', null],
    ['a named function called at once', '(function setup() { return function (doc) { return doc; }; })()', /named function/],
    ['array spread', 'function (a) { return [...a]; }', /spread/],
    ['call spread', 'function (a) { return Math.max(...a); }', /spread/],
    ['object spread', 'function (a) { return { ...a }; }', /spread/],
    ['optional chaining', 'function (a) { return a?.b; }', /optional chaining/],
    ['nullish coalescing', 'function (a) { return a ?? 1; }', /\?\?/],
    ['logical assignment', 'function (a) { a.b ||= 1; }', /logical assignment/],
    ['a named top-level function', 'function named(doc) { return doc; }', /named function/],
    ['two statements', 'function (a) {}; function (b) {}', /single anonymous function|parse/],
    ['typed arrays', 'function () { return new Uint8Array(4); }', /Uint8Array/],
    ['TextEncoder', 'function (s) { return new TextEncoder().encode(s); }', /TextEncoder/],
    ['btoa', 'function (s) { return btoa(s); }', /btoa/],
    ['BigInt literals', 'function () { return 1n; }', /BigInt/],
    ['Array.prototype.at', 'function (a) { return a.at(-1); }', /\.at\(\)/],
  ];
  for (const [label, src, expected] of cases) {
    it((expected ? 'refuses ' : 'accepts ') + label, () => {
      const messages = engineProblems(src).map((p) => p.message).join('; ');
      if (expected) expect(messages).toMatch(expected);
      else expect(messages).toBe('');
    });
  }
  it('does not mistake a property named like a forbidden global for the global', () => {
    expect(engineProblems('function (o) { return o.btoa + o.Uint8Array; }')).toEqual([]);
  });
});
