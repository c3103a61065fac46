// Throughput of src/shared/crypto on 1 MB, the size class of a publish's tarball:
//   npx tsx scripts/bench-crypto.ts
// One esbuild bundle is timed under Node and, when CouchDB is installed (COUCHDB_HOME, default
// /opt/couchdb), inside its own query servers through their line protocol as a map function.
// Only the CouchDB numbers bind: couchjs runs SpiderMonkey without its JIT, QuickJS has none.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';

const measure = `
import { base64Decode, base64Encode, integrity, sha1, sha512 } from './src/shared/crypto/index';
var SIZE = 1 << 20;
var bytes = [];
for (var i = 0, x = 12345; i < SIZE; i++) { x = (x * 1103515245 + 12345) & 0x7fffffff; bytes.push((x >>> 16) & 255); }
var text = base64Encode(bytes);
var results = [];
function rate(name, fn) {
  var runs = 0, start = Date.now(), elapsed = 0;
  do { fn(); runs++; elapsed = Date.now() - start; } while (elapsed < 1000 || runs < 2);
  results.push([name, runs * SIZE / 1048576 / (elapsed / 1000)]);
}
rate('sha512', function () { sha512(bytes); });
rate('sha1', function () { sha1(bytes); });
rate('base64Decode', function () { base64Decode(text); });
rate('integrity(base64Decode(…))', function () { integrity(base64Decode(text)); });
REPORT(results);
`;

const bundle = buildSync({
  stdin: { contents: measure, resolveDir: resolve(import.meta.dirname, '..'), loader: 'ts' },
  bundle: true, format: 'iife', target: 'es2019', write: false,
}).outputFiles[0].text;

type Rates = Array<[string, number]>;

function inNode(): Rates {
  const run = spawnSync(process.execPath, ['-e', 'var REPORT = function (r) { console.log(JSON.stringify(r)); };\n' + bundle], { encoding: 'utf8' });
  return JSON.parse(run.stdout) as Rates;
}

// Protocol: reset, add_fun, map_doc; the map function emits the results as one row.
function inQueryServer(command: string, args: string[]): Rates {
  const fun = 'function (doc) { var REPORT = function (r) { emit(null, r); };\n' + bundle + '\n}';
  const input = [['reset'], ['add_fun', fun], ['map_doc', { _id: 'bench' }]].map((m) => JSON.stringify(m)).join('\n') + '\n';
  const run = spawnSync(command, args, { input, encoding: 'utf8' });
  const rows = JSON.parse(run.stdout.trim().split('\n')[2]) as Array<Array<[null, Rates]>>;
  return rows[0][0][1];
}

const home = process.env.COUCHDB_HOME || '/opt/couchdb';
const engines: Array<[string, () => Rates]> = [['node ' + process.version, inNode]];
if (existsSync(join(home, 'bin/couchjs'))) {
  engines.push(['CouchDB SpiderMonkey (couchjs)', () => inQueryServer(join(home, 'bin/couchjs'), [join(home, 'share/server/main.js')])]);
}
const quickjs = existsSync(join(home, 'lib')) ? readdirSync(join(home, 'lib')).find((d) => d.startsWith('couch_quickjs-')) : undefined;
if (quickjs) engines.push(['CouchDB QuickJS', () => inQueryServer(join(home, 'lib', quickjs, 'priv/couchjs_mainjs'), [])]);

for (const [label, run] of engines) {
  console.log(label + ', 1 MB input:');
  for (const [name, rate] of run()) console.log('  ' + name.padEnd(28) + rate.toFixed(2).padStart(8) + ' MB/s');
}
