// Lint rules that matter here: code that runs inside CouchDB (couchapp/, src/shared/) must not
// reach for Node, and must avoid syntax that SpiderMonkey 78 refuses (the compiled output is
// checked again by test/ddoc/syntax.test.ts).
import tseslint from 'typescript-eslint';

const sandboxSyntax = [
  { selector: 'SpreadElement', message: 'CouchDB 3.4 with SpiderMonkey 78 refuses spread syntax.' },
  { selector: 'ChainExpression', message: 'CouchDB 3.4 with SpiderMonkey 78 refuses optional chaining.' },
  { selector: "LogicalExpression[operator='??']", message: 'CouchDB 3.4 with SpiderMonkey 78 refuses ??.' },
  { selector: 'Literal[bigint]', message: 'No BigInt in CouchDB engines.' },
  { selector: "NewExpression[callee.name=/^(Uint8Array|Uint32Array|Int32Array|ArrayBuffer|DataView|TextEncoder|TextDecoder)$/]", message: 'QuickJS in CouchDB has no typed arrays or TextEncoder.' },
];

export default tseslint.config(
  { ignores: ['node_modules/**', 'data/**', 'dist/**', '.tmp/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['couchapp/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-syntax': ['error', ...sandboxSyntax],
      'no-restricted-imports': ['error', {
        paths: ['fs', 'path', 'crypto', 'http', 'https', 'url', 'os', 'child_process', 'nano', 'semver', 'tar', 'zod', 'express'],
        patterns: ['node:*'],
      }],
    },
  },
);
