// `npm run bench [-- --couch URL] [--quick] [--engine quickjs] [--json FILE]`: parses the command
// line, runs the benchmark, and always cleans up (also on Ctrl-C). Errors end the process with one
// line that names the cause, and exit code 1.
import { parseArgs } from 'node:util';
import { Cleanup } from './cleanup';
import { ENGINES, type Engine } from './engine';
import { stderrLog } from './progress';
import { runBench, WORKLOADS, type BenchOptions, type Workload } from './run';

const USAGE = `usage: npm run bench [-- --couch http://ADMIN:PASS@HOST:5984] [--quick] [--engine spidermonkey|quickjs] [--json FILE] [--only W,W]

  --couch URL   measure a running CouchDB (a fresh database bench-<random> is set up and deleted);
                without it: a throwaway node of the local \`couchdb\` program, else the embedded
                stand-in (whose numbers are not CouchDB's)
  --quick       tiny sizes: checks that every workload runs, measures nothing meaningful
  --engine E    set [couchdb] js_engine on every node for the run, and put it back afterwards
  --json FILE   also write all results to FILE
  --only W,W    run only these workloads (${WORKLOADS.join(', ')}); memory always covers the run

One JSON line per workload on stdout; progress and the readable tables on stderr.`;

export function parseOptions(argv: string[]): BenchOptions | null {
  let values;
  try {
    values = parseArgs({
      args: argv,
      options: { couch: { type: 'string' }, quick: { type: 'boolean' }, engine: { type: 'string' }, json: { type: 'string' }, only: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (e) {
    // Node's own message suggests positional arguments, which the benchmark has none of.
    throw new Error(String((e as Error).message).split('.')[0] + '. See `npm run bench -- --help`.');
  }
  if (values.help) return null;
  if (values.engine !== undefined && !ENGINES.includes(values.engine as Engine)) {
    throw new Error('--engine must be one of ' + ENGINES.join(', ') + ', not ' + JSON.stringify(values.engine) + '.');
  }
  const only = values.only === undefined ? undefined : values.only.split(',').map((w) => w.trim()).filter(Boolean);
  const unknown = (only || []).filter((w) => !WORKLOADS.includes(w as Workload));
  if (unknown.length > 0) throw new Error('--only takes workloads among ' + WORKLOADS.join(', ') + ', not ' + unknown.join(', ') + '.');
  return { couch: values.couch, quick: Boolean(values.quick), engine: values.engine as Engine | undefined, json: values.json, only: only as Workload[] | undefined };
}

export async function main(argv: string[]): Promise<void> {
  const cleanup = new Cleanup();
  let interrupted = false;
  const interrupt = async () => {
    interrupted = true;
    stderrLog('\ninterrupted: cleaning up …');
    await cleanup.run(stderrLog);
    process.exit(130);
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  let code = 0;
  try {
    const opts = parseOptions(argv);
    if (!opts) {
      console.log(USAGE);
      return;
    }
    await runBench(opts, { out: (line) => console.log(line), log: stderrLog }, cleanup);
  } catch (e) {
    // After an interrupt, the workload in flight fails because its database is gone: not news.
    if (!interrupted) stderrLog('bench: ' + ((e as Error).message || String(e)));
    code = 1;
  } finally {
    await cleanup.run(stderrLog);
  }
  // The embedded stand-in and keep-alive sockets can hold the event loop open.
  process.exit(code);
}
