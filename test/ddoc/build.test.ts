import { describe, it, expect, beforeAll } from 'vitest';
import { buildDesignDocs, compileFunction, ROOT, type BuiltDesignDocs } from '../../src/ddoc/build';
import { engineProblems } from '../../src/ddoc/syntax';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

let first: BuiltDesignDocs;

function functionsOf(doc: Record<string, unknown>): Array<[string, string]> {
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

  it('compiles every function of both design docs to code both CouchDB engines accept', () => {
    const all = [...functionsOf(first.app), ...functionsOf(first.users)];
    expect(all.length).toBeGreaterThan(5);
    for (const [name, src] of all) {
      expect({ name, problems: engineProblems(src) }).toEqual({ name, problems: [] });
    }
  });

  it('bundles shared modules into each function instead of require()', () => {
    for (const [, src] of functionsOf(first.app)) expect(src).not.toMatch(/\brequire\(/);
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
