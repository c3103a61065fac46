// The stand-in changes express-pouchdb and its plugins at run time (src/embedded/patch.ts, parts.ts,
// config.ts). Those packages are pinned, and these tests say what each patch relies on: checked on
// fresh, unpatched copies in a child process, so an upgrade that changes a member a patch replaces
// or reaches into fails here, by name, instead of leaving a patch that silently does nothing.
// This file imports internals of src/embedded on purpose: they are what it tests.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PART_HOOKS } from '../../src/embedded/parts.js';
import { removeUsersDocEscalation, USERS_DOC_ESCALATION } from '../../src/embedded/patch.js';
import type { EpApp } from '../../src/embedded/types.js';
import { startTestServer } from './helpers.js';
import type { EmbeddedServer } from '../../src/embedded/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);

/** Runs CommonJS `body` in a fresh Node process at the repository root; returns what it prints, as JSON. */
function fresh<T>(body: string, ...args: string[]): T {
  const script = `const shape = (v) => typeof v === 'function' ? 'function of ' + v.length : typeof v;\n${body}`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script, '--', ...args], { cwd: ROOT, encoding: 'utf8' }));
}

/** A full express-pouchdb app as the stand-in creates it, built in the child process. */
const FULL_APP = `const app = require('express-pouchdb')({ mode: 'fullCouchDB', overrideMode: { exclude: ['compression'] }, inMemoryConfig: true, logPath: require('os').devNull });`;

// Every export the module patches replace, and what it was when they were written.
const REPLACED_EXPORTS: Record<string, Record<string, string>> = {
  'express-pouchdb/lib/utils.js': { sendJSON: 'function of 3', setJsonOrPlaintext: 'function of 1', sendError: 'function of 3' },
  'couchdb-eval': { wrapExecutionError: 'function of 1' },
  'pouchdb-auth/lib/designdoc.js': { validate_doc_update: 'string' },
  'pouchdb-auth/lib/sessionapi.js': { multiUserLogIn: 'function of 3' },
  'pouchdb-auth': { hashAdminPasswords: 'function of 3' },
  'pouchdb-auth/lib/admins.js': { parse: 'function of 1' },
  'pouchdb-validation': { installValidationMethods: 'function of 0', uninstallValidationMethods: 'function of 0' },
};

describe('module patches (patch.ts)', () => {
  it('every export a patch replaces is still there, with the shape the patch was written for', () => {
    const found = fresh<typeof REPLACED_EXPORTS>(
      `const wanted = JSON.parse(process.argv[1]); const out = {};
       for (const [id, names] of Object.entries(wanted)) {
         out[id] = {};
         for (const name of Object.keys(names)) out[id][name] = shape(require(id)[name]);
       }
       console.log(JSON.stringify(out));`,
      JSON.stringify(REPLACED_EXPORTS),
    );
    expect(found).toEqual(REPLACED_EXPORTS);
  });

  it('the libraries read the replaced members through those exports when they run, so the replacement takes effect', () => {
    const source = (id: string) => readFileSync(require.resolve(id), 'utf8');
    expect(source('pouchdb-auth/lib/sessionapi.js')).toContain('exports.multiUserLogIn.call(');
    expect(source('express-pouchdb/lib/config-infrastructure.js')).toContain('Auth.hashAdminPasswords(');
    expect(source('pouchdb-auth/lib/index.js')).toMatch(/Validation\.installValidationMethods\.call\(/);
    expect(source('express-pouchdb/lib/validation.js')).toContain("PouchDB.plugin(require('pouchdb-validation'))");
    expect(source('couchdb-render/lib/index.js')).toMatch(/\.wrapExecutionError\(/);
  });

  it('each patched package is installed once, so express-pouchdb loads the very copy that is patched', () => {
    const lock = JSON.parse(readFileSync(`${ROOT}/package-lock.json`, 'utf8')) as { packages: Record<string, unknown> };
    const patched = ['express-pouchdb', 'couchdb-eval', 'pouchdb-auth', 'pouchdb-validation', 'pouchdb-wrappers', 'pouchdb-bulkdocs-wrapper'];
    for (const name of patched) {
      const copies = Object.keys(lock.packages).filter((path) => path === `node_modules/${name}` || path.endsWith(`/node_modules/${name}`));
      expect(copies, name).toEqual([`node_modules/${name}`]);
    }
  });
});

describe('part hooks (parts.ts)', () => {
  it('every hooked part is a module of express-pouchdb/lib exporting a function of the app', () => {
    const names = Object.keys(PART_HOOKS);
    const found = fresh<Record<string, string>>(
      `const lib = require('path').join(require('path').dirname(require.resolve('express-pouchdb/package.json')), 'lib');
       const out = {};
       for (const name of JSON.parse(process.argv[1])) out[name] = shape(require(require('path').join(lib, name + '.js')));
       console.log(JSON.stringify(out));`,
      JSON.stringify(names),
    );
    expect(found).toEqual(Object.fromEntries(names.map((name) => [name, 'function of 1'])));
  });

  describe('in a running server', () => {
    let server: EmbeddedServer;
    beforeAll(async () => {
      // startEmbedded throws if a hooked part did not run while express-pouchdb built its app
      ({ server } = await startTestServer());
    });
    afterAll(() => server.close());

    it("each hooked part's entry in Node's module cache holds the hook", () => {
      const lib = `${require.resolve('express-pouchdb/package.json').replace(/package\.json$/, '')}lib/`;
      for (const name of Object.keys(PART_HOOKS)) {
        const cached = require.cache[require.resolve(`${lib}${name}.js`)];
        expect(cached, name).toBeDefined();
        expect((cached?.exports as Record<symbol, unknown>)[Symbol.for('couch-registry.embedded.hooked')], name).toBe(true);
      }
    });
  });

  it('the members of the app the hooks reach into are there', () => {
    const found = fresh<Record<string, unknown>>(
      `${FULL_APP}
       console.log(JSON.stringify({
         couchLoggerWrite: shape(app.couchLogger._write),
         dbWrappers: Array.isArray(app.dbWrapper._wrappers),
         dbWrap: shape(app.dbWrapper.wrap),
         routerStack: Array.isArray(app._router.stack),
         registerDaemon: shape(app.daemonManager.registerDaemon),
         setPouchDB: shape(app.setPouchDB),
         opts: app.opts.inMemoryConfig,
       }));`,
    );
    expect(found).toEqual({
      couchLoggerWrite: 'function of 2',
      dbWrappers: true,
      dbWrap: 'function of 2',
      routerStack: true,
      registerDaemon: 'function of 1',
      setPouchDB: 'function of 1',
      opts: true,
    });
  });

  it("express-pouchdb's config saves can be redirected (config.ts): _save(callback), _file, _config, _defaults", () => {
    const found = fresh<Record<string, unknown>>(
      `${FULL_APP}
       const c = app.couchConfig;
       console.log(JSON.stringify({ save: shape(c._save), file: '_file' in c, config: typeof c._config, defaults: typeof c._defaults }));`,
    );
    expect(found).toEqual({ save: 'function of 1', file: true, config: 'object', defaults: 'object' });
  });
});

describe('removing the _users _admin escalation (C3, docs/stand-in.md)', () => {
  it("matches exactly one middleware of express-pouchdb's own router", () => {
    const count = fresh<number>(
      `${FULL_APP}
       const re = new RegExp(process.argv[1]);
       console.log(app._router.stack.filter((layer) => !layer.route && re.test(String(layer.handle))).length);`,
      USERS_DOC_ESCALATION.source,
    );
    expect(count).toBe(1);
  });

  const layer = (source: string) => ({ handle: new Function('req', 'res', 'next', source) as (...args: unknown[]) => unknown });
  const escalating = () => layer("req.couchSession.userCtx.roles.push('_admin'); next();");
  const appWith = (stack: Array<{ handle: (...args: unknown[]) => unknown }>) => ({ _router: { stack } }) as unknown as EpApp;

  it('removes the one middleware that matches, among those the documents part added', () => {
    const keep = layer('next();');
    const app = appWith([escalating(), keep, escalating(), keep]);
    removeUsersDocEscalation(app, 1);
    expect(app._router.stack).toHaveLength(3);
    expect(app._router.stack.filter((l) => USERS_DOC_ESCALATION.test(String(l.handle)))).toHaveLength(1);
  });

  it('refuses to guess when no middleware or more than one matches', () => {
    expect(() => removeUsersDocEscalation(appWith([layer('next();')]), 0)).toThrow(/0 middlewares match/);
    expect(() => removeUsersDocEscalation(appWith([escalating(), escalating()]), 0)).toThrow(/2 middlewares match/);
  });
});
