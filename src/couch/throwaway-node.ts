// Starts a throwaway Apache CouchDB node from a `couchdb` program on this machine: its own config,
// data and log in a temporary directory, loopback only, ports chosen by the OS, no epmd left
// behind. Stopped (and its directory removed) by stop().
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync, readFileSync, existsSync, rmSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

export interface CouchNode {
  /** http://admin:PASSWORD@127.0.0.1:PORT */
  adminUrl: string;
  stop(): Promise<void>;
}

/** The `couchdb` start script on PATH and the release directory it belongs to, or null. */
export function findCouchdb(): { bin: string; home: string } | null {
  let found: string;
  try {
    found = execFileSync('sh', ['-c', 'command -v couchdb'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
  if (!found) return null;
  const bin = realpathSync(found);
  const home = resolve(dirname(bin), '..');
  return existsSync(join(home, 'etc', 'default.ini')) ? { bin, home } : null;
}

export async function startCouchNode(couchdb: { bin: string; home: string }, opts: { jsEngine?: 'spidermonkey' | 'quickjs' } = {}): Promise<CouchNode> {
  const base = mkdtempSync(join(tmpdir(), 'couch-registry-node-'));
  // A fixed port, not port 0: setup restarts the node, and a restart on port 0 would move it.
  const port = await freePort();
  const password = randomBytes(12).toString('hex');
  const name = 'test' + randomBytes(4).toString('hex');
  const ini = [
    '[couchdb]',
    'uuid = ' + randomBytes(16).toString('hex'),
    'database_dir = ' + join(base, 'data'),
    'view_index_dir = ' + join(base, 'data'),
    'uri_file = ' + join(base, 'couch.uri'),
    'single_node = true',
    opts.jsEngine ? 'js_engine = ' + opts.jsEngine : '',
    '',
    '[chttpd]',
    'bind_address = 127.0.0.1',
    'port = ' + port,
    '',
    '[admins]',
    'admin = ' + password,
    '',
    '[log]',
    'writer = file',
    'file = ' + join(base, 'couchdb.log'),
    'level = warning',
    '',
    // Tests try wrong passwords on purpose; CouchDB's lockout would then refuse the right one.
    '[chttpd_auth_lockout]',
    'mode = off',
    '',
  ].join('\n');
  writeFileSync(join(base, 'local.ini'), ini);
  writeFileSync(join(base, 'vm.args'), [
    '-name ' + name + '@127.0.0.1',
    '-setcookie ' + randomBytes(16).toString('hex'),
    '-kernel inet_dist_use_interface {127,0,0,1}',
    '-start_epmd false',
    '-erl_epmd_port 0',
    '-kernel error_logger silent',
    '-sasl sasl_error_logger false',
    '+Bd -noinput',
    '-os_mon start_cpu_sup false',
    '-os_mon start_memsup false',
    '',
  ].join('\n'));
  const child = spawn(couchdb.bin, [], {
    env: { ...process.env, COUCHDB_ARGS_FILE: join(base, 'vm.args'), COUCHDB_INI_FILES: join(couchdb.home, 'etc', 'default.ini') + ' ' + join(base, 'local.ini') },
    stdio: ['ignore', 'ignore', 'ignore'],
    detached: true,
  });
  let exited = false;
  child.on('exit', () => { exited = true; });
  const stop = async () => {
    if (!exited) {
      child.kill('SIGTERM');
      const deadline = Date.now() + 10_000;
      while (!exited && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      if (!exited) child.kill('SIGKILL');
    }
    rmSync(base, { recursive: true, force: true });
  };
  const uriFile = join(base, 'couch.uri');
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited) {
      const logText = existsSync(join(base, 'couchdb.log')) ? readFileSync(join(base, 'couchdb.log'), 'utf8').slice(-2000) : '';
      await stop();
      throw new Error('couchdb exited during start. ' + logText);
    }
    if (existsSync(uriFile)) {
      const uri = readFileSync(uriFile, 'utf8').trim();
      const ok = await fetch(uri + '_up').then((r) => r.ok, () => false);
      if (ok) {
        const u = new URL(uri);
        u.username = 'admin';
        u.password = password;
        return { adminUrl: u.href.replace(/\/$/, ''), stop };
      }
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error('couchdb did not come up within 60 s');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
