#!/usr/bin/env node
// `npm test`: the whole suite on the first backend available (COUCHDB_URL, a local couchdb, Docker,
// the embedded stand-in), then, when that was a real CouchDB, the integration, stand-in and security suites
// once more on the embedded stand-in, which `npm start` serves and whose fixes guard security.
// Ends with one summary line "tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'couch-registry-test-'));
const vitest = join(process.cwd(), 'node_modules', 'vitest', 'vitest.mjs');
const passthrough = process.argv.slice(2);

function run(label, env, files) {
  const report = join(dir, label + '.json');
  const backendFile = join(dir, label + '.backend');
  const r = spawnSync(process.execPath, [vitest, 'run', '--reporter=default', '--reporter=json', '--outputFile.json=' + report, ...files, ...passthrough], {
    stdio: 'inherit',
    env: { ...process.env, ...env, COUCH_REGISTRY_BACKEND_FILE: backendFile },
  });
  const counts = existsSync(report) ? JSON.parse(readFileSync(report, 'utf8')) : { numPassedTests: 0, numFailedTests: 1 };
  return {
    code: r.status ?? 1,
    passed: counts.numPassedTests,
    failed: counts.numFailedTests + (r.status !== 0 && counts.numFailedTests === 0 ? 1 : 0),
    backend: existsSync(backendFile) ? readFileSync(backendFile, 'utf8').trim() : 'unknown',
  };
}

const first = run('main', {}, []);
const runs = [first];
if (first.backend !== 'embedded' && !process.env.COUCH_REGISTRY_BACKEND && passthrough.length === 0) {
  console.log('\nThe suite ran on ' + first.backend + '; now the integration, stand-in and security tests again on the embedded stand-in.\n');
  runs.push(run('embedded', { COUCH_REGISTRY_BACKEND: 'embedded' }, ['test/integration', 'test/embedded', 'test/security']));
}
rmSync(dir, { recursive: true, force: true });
const passed = runs.reduce((n, r) => n + r.passed, 0);
const failed = runs.reduce((n, r) => n + r.failed, 0);
console.log('\ntests: ' + passed + ' passed, ' + failed + ' failed');
process.exit(runs.every((r) => r.code === 0) ? 0 : 1);
