// Which JavaScript engine runs the design document, and `--engine`: CouchDB 3.4 switches
// `[couchdb] js_engine` at run time, on each node separately, so the benchmark sets it on every
// node for the run and puts back what was there (or removes the key) afterwards.
import type { Couch } from '../couch/client';
import type { Log } from './progress';

export type Engine = 'spidermonkey' | 'quickjs';
export const ENGINES: readonly Engine[] = ['spidermonkey', 'quickjs'];

/** "spidermonkey 91" or "quickjs": what the node reports, as the numbers belong to it. */
export async function engineOf(couch: Couch, node = '_local'): Promise<string> {
  const versions = await couch.request('GET', '_node/' + encodeURIComponent(node) + '/_versions', undefined, { allow404: true });
  const js = versions && versions.javascript_engine;
  if (!js || !js.name) return 'unknown (no javascript_engine in /_node/' + node + '/_versions)';
  return js.version ? js.name + ' ' + js.version : String(js.name);
}

/** Sets the engine on every node; resolves to the function that restores the previous setting. */
export async function switchEngine(couch: Couch, nodes: string[], engine: Engine, log: Log): Promise<() => Promise<void>> {
  const before = new Map<string, string | null>();
  const restore = async () => {
    for (const [node, value] of before) {
      if (value === null) await couch.request('DELETE', '_node/' + encodeURIComponent(node) + '/_config/couchdb/js_engine', undefined, { allow404: true });
      else await couch.setConfig(node, 'couchdb', 'js_engine', value);
      log('node ' + node + ': js_engine put back to ' + (value === null ? 'the default' : value));
    }
  };
  for (const node of nodes) {
    const current = await couch.config(node, 'couchdb', 'js_engine');
    before.set(node, current);
    if (current === engine) continue;
    await couch.setConfig(node, 'couchdb', 'js_engine', engine);
    log('node ' + node + ': js_engine = ' + engine + ' for this run (was ' + (current === null ? 'the default' : current) + ')');
  }
  for (const node of nodes) {
    const now = await engineOf(couch, node);
    if (!now.startsWith(engine)) {
      await restore();
      throw new Error('CouchDB node ' + node + ' did not switch to ' + engine + ' (it reports ' + now + '). --engine quickjs needs CouchDB 3.4 or newer built with QuickJS.');
    }
  }
  return restore;
}
