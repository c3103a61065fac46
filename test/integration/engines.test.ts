// The compiled design docs run on both JavaScript engines of CouchDB 3.4: SpiderMonkey (the
// default) and QuickJS (switched on at run time). The stand-in runs functions in Node, so this
// file means something only on a real CouchDB.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backendKind, createRegistry, http, uniqueUser, type TestRegistry } from '../support/registry';
import { NpmUser, makePackage, makeProject } from '../../src/npm/client';

const real = backendKind() !== 'embedded';
if (!real) console.log('engines.test.ts skipped: the embedded stand-in runs design-doc functions in Node, not in a CouchDB engine.');

const engines: Array<'spidermonkey' | 'quickjs'> = ['spidermonkey', 'quickjs'];

describe.skipIf(!real)('the design docs on each CouchDB JavaScript engine', () => {
  let reg: TestRegistry;
  let before: string | null;
  const engineNow = async () => ((await reg.couch.request('GET', '_node/_local/_versions')).javascript_engine || {}).name;

  beforeAll(async () => {
    reg = await createRegistry('engines');
    before = await reg.couch.config('_local', 'couchdb', 'js_engine');
  });
  afterAll(async () => {
    if (!reg) return;
    if (before === null) await reg.couch.request('DELETE', '_node/_local/_config/couchdb/js_engine', undefined, { allow404: true });
    else await reg.couch.setConfig('_local', 'couchdb', 'js_engine', before);
  });

  for (const engine of engines) {
    it('signs up, publishes, installs, refuses and lists on ' + engine, async () => {
      await reg.couch.setConfig('_local', 'couchdb', 'js_engine', engine);
      expect(await engineNow()).toBe(engine);
      const name = uniqueUser('eng-' + engine.slice(0, 2));
      const user = new NpmUser(reg.url, name);
      const signup = await user.adduser(name, 'pw-' + engine, name + '@example.com');
      expect(signup.code, signup.output).toBe(0);
      const pkg = 'engine-' + engine;
      const pub = await user.run(['publish'], { cwd: makePackage(user.home, { name: pkg, version: '1.0.0', description: 'built on ' + engine }) });
      expect(pub.code, pub.output).toBe(0);
      const proj = makeProject(user.home, { [pkg]: '1.0.0' });
      user.freshCache();
      expect((await user.run(['install'], { cwd: proj })).code).toBe(0);
      const again = await user.run(['publish', '--force'], { cwd: makePackage(user.home, { name: pkg, version: '1.0.0' }) });
      expect(again.output).toContain('You cannot publish over the previously published version 1.0.0');
      const direct = await http(reg.origin + '/' + reg.db + '/' + pkg + '-direct', { method: 'PUT', json: { _id: pkg + '-direct', name: pkg + '-direct' } });
      expect(direct.status).toBe(401);
      const byUser = await http(reg.url + '-/by-user/' + name);
      expect(byUser.json).toEqual({ [name]: [pkg] });
    });
  }
});
