// `couch-registry replicate` and `couch-registry resolve`.
import { parseArgs } from 'node:util';
import { Couch, CouchError } from '../couch/client';
import { inspectServer } from '../couch/setup';
import { openRegistry, privateNames } from './private-names';
import { conflictedIds, resolveConflicts } from './resolve';
import { describe, jobId, jobState, copyOnce, replicationDoc, startJob, stopJob, waitForJob } from './job';

type Log = (line: string) => void;

export async function replicateCommand(args: string[], log: Log): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      couch: { type: 'string' }, from: { type: 'string' }, db: { type: 'string' }, continuous: { type: 'boolean' },
      packages: { type: 'string' }, status: { type: 'boolean' }, stop: { type: 'boolean' },
    },
  });
  if (!values.couch || !values.from) throw new Error('replicate needs --couch http://ADMIN:PASS@HOST:5984 and --from SOURCE_URL (a CouchDB database URL).');
  try {
    new URL(values.from);
  } catch {
    throw new Error('--from must be the URL of a CouchDB database, like https://user:pass@other.example:5984/registry.');
  }
  const couch = new Couch(values.couch);
  const info = await inspectServer(couch);
  const reg = await openRegistry(couch, values.db || 'registry');
  const id = jobId(values.from, reg);

  if (values.stop) {
    log((await stopJob(couch, id)) ? 'stopped replication ' + id : 'no replication from that source was running');
    return;
  }
  if (values.status) {
    const s = info.embedded ? null : await jobState(couch, id);
    log(s ? describe(s) : 'no replication job from that source');
    const conflicts = await conflictedIds(couch, reg);
    log(conflicts.length === 0 ? 'no conflicts' : conflicts.length + ' package(s) with competing copies: ' + conflicts.join(', ') + ' (run couch-registry resolve)');
    return;
  }

  const privates = await privateNames(couch, reg);
  const packages = values.packages ? values.packages.split(',').map((p) => p.trim()).filter(Boolean) : undefined;
  const doc = replicationDoc(couch, values.from, reg, privates, { continuous: Boolean(values.continuous), packages });
  log('replicating into ' + reg.db + ' (' + privates.length + ' private name(s) left out' + (packages ? ', packages: ' + packages.join(', ') : '') + ')');
  if (info.embedded) {
    if (values.continuous) throw new CouchError('The embedded stand-in cannot replicate continuously; run replicate again, or use Apache CouchDB.');
    log(describe(await copyOnce(couch, doc)));
  } else {
    await startJob(couch, id, doc);
    log('started replication job ' + id);
    if (values.continuous) {
      log('it keeps running inside CouchDB; follow it with --status, end it with --stop');
    } else {
      await waitForJob(couch, id, log);
    }
  }
  const fixed = await resolveConflicts(couch, reg, log);
  if (fixed.length === 0) log('no conflicts');
}

export async function resolveCommand(args: string[], log: Log): Promise<void> {
  const { values } = parseArgs({ args, options: { couch: { type: 'string' }, db: { type: 'string' } } });
  if (!values.couch) throw new Error('resolve needs --couch http://ADMIN:PASS@HOST:5984');
  const couch = new Couch(values.couch);
  await inspectServer(couch);
  const reg = await openRegistry(couch, values.db || 'registry');
  const fixed = await resolveConflicts(couch, reg, log);
  log(fixed.length === 0 ? 'no conflicts' : 'resolved ' + fixed.length + ' package(s)');
}
