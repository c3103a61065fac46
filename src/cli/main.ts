// The command line: `couch-registry setup | start | build`. Errors end the process with one line
// that names the problem, and exit code 1.
import { parseArgs } from 'node:util';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setup } from '../couch/setup';
import { buildDesignDocs, ROOT } from '../ddoc/build';

const USAGE = `usage:
  couch-registry setup --couch http://ADMIN:PASS@HOST:5984 [--db registry] [--public-url URL]
                       [--token-days 90] [--max-body-mb 20] [--js-engine quickjs|spidermonkey]
                       [--allow-private-foreign-urls]
                       [--upstream URL --upstream-service URL [--private-scope @acme]... [--upstream-max-age 300]]
  couch-registry start [--port 5984] [--host 127.0.0.1] [--data DIR | --memory] [--db registry]
                       [--upstream URL|none] [--private-scope @acme]... [--upstream-max-age 300]
  couch-registry upstream --couch ADMIN_URL --upstream URL [--listen 127.0.0.1:4874] [--private-scope @acme]...
  couch-registry upstream --couch ADMIN_URL --status [--service URL] | --evict NAME
  couch-registry build [--out dist/ddoc]
  couch-registry replicate --couch ADMIN_URL --from SOURCE_URL [--db registry] [--continuous] [--packages a,@s/b]
  couch-registry replicate --couch ADMIN_URL --from SOURCE_URL --status | --stop
  couch-registry resolve --couch ADMIN_URL [--db registry]
  couch-registry mirror --couch ADMIN_URL --upstream URL [--changes-url URL] [--db registry] [PKG ...] [--deps] [--follow]`;

const log = (line: string) => console.log(line);

/** What `npm start` pulls through from unless told otherwise: the public registry. */
const DEFAULT_UPSTREAM = 'https://registry.npmjs.org';

function maxAgeOf(values: Record<string, unknown>): number {
  const raw = values['upstream-max-age'];
  const n = raw === undefined ? 300 : Number(raw);
  if (!Number.isFinite(n) || n < 0) throw new Error('--upstream-max-age must be a number of seconds, not ' + JSON.stringify(raw) + '.');
  return n;
}

function databaseOptions(values: Record<string, unknown>) {
  const days = values['token-days'] ? Number(values['token-days']) : undefined;
  const mb = values['max-body-mb'] ? Number(values['max-body-mb']) : undefined;
  if (days !== undefined && !(days > 0)) throw new Error('--token-days must be a positive number of days.');
  if (mb !== undefined && !(mb > 0)) throw new Error('--max-body-mb must be a positive number of megabytes.');
  return {
    db: String(values.db || 'registry'),
    publicUrl: values['public-url'] ? String(values['public-url']) : undefined,
    tokenTtlSeconds: days ? Math.round(days * 86400) : undefined,
    maxBodyBytes: mb ? Math.round(mb * 1048576) : undefined,
    allowPrivateForeignUrls: Boolean(values['allow-private-foreign-urls']),
  };
}

const common = {
  db: { type: 'string' },
  'public-url': { type: 'string' },
  'token-days': { type: 'string' },
  'max-body-mb': { type: 'string' },
  'allow-private-foreign-urls': { type: 'boolean' },
  upstream: { type: 'string' },
  'private-scope': { type: 'string', multiple: true },
  'upstream-max-age': { type: 'string' },
} as const;

async function cmdSetup(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { couch: { type: 'string' }, 'js-engine': { type: 'string' }, 'upstream-service': { type: 'string' }, ...common } });
  if (!values.couch) throw new Error('setup needs --couch http://ADMIN:PASS@HOST:5984');
  const engine = values['js-engine'];
  if (engine !== undefined && engine !== 'quickjs' && engine !== 'spidermonkey') throw new Error('--js-engine is quickjs or spidermonkey.');
  if (Boolean(values.upstream) !== Boolean(values['upstream-service'])) {
    throw new Error('--upstream and --upstream-service go together: the URL of the registry to pull from, and where `couch-registry upstream` listens (e.g. http://registry.example.com:4874).');
  }
  const upstream = values.upstream && values['upstream-service']
    ? { url: values.upstream, service: values['upstream-service'], maxAge: maxAgeOf(values), privateScopes: values['private-scope'] || [] }
    : undefined;
  const url = await setup(values.couch, { ...databaseOptions(values), jsEngine: engine, upstream }, log);
  log('registry: ' + url);
}

async function cmdStart(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, host: { type: 'string' }, data: { type: 'string' }, memory: { type: 'boolean' }, ...common },
  });
  if (values.data && values.memory) throw new Error('Give --data DIR or --memory, not both.');
  const port = values.port === undefined ? 5984 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error('--port must be a port number.');
  const dataDir = values.memory ? undefined : String(values.data || join(process.cwd(), 'data'));
  // Loaded only here: setup and build should not pay for PouchDB.
  const { secureDataDir, startEmbedded } = await import('../embedded/index');
  if (dataDir) secureDataDir(dataDir, log);
  const server = await startEmbedded({ port, host: values.host, dataDir, memory: Boolean(values.memory) }).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'EADDRINUSE') throw new Error('Port ' + port + ' is already in use (is CouchDB running there?); pick another with --port.');
    throw e;
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    log('stopping…');
    await server.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  log('embedded CouchDB stand-in on ' + server.url + (dataDir ? ' (data in ' + dataDir + ')' : ' (in memory)'));
  const upstreamUrl = values.upstream === 'none' ? undefined : String(values.upstream || DEFAULT_UPSTREAM);
  const privateScopes = values['private-scope'] || [];
  const maxAge = maxAgeOf(values);
  const pullThrough = await import('../upstream/index');
  const options = databaseOptions(values);
  const upstream = upstreamUrl ? { url: upstreamUrl, service: pullThrough.EMBEDDED_PREFIX, maxAge, privateScopes } : undefined;
  const url = await setup(server.adminUrl, { ...options, upstream }, log);
  if (upstreamUrl) {
    // The pull-through service runs in this process, under a path of the stand-in's own port.
    const pull = await pullThrough.openPullThrough({ couch: server.adminUrl, db: options.db, upstream: upstreamUrl, privateScopes, maxAgeSeconds: maxAge, log });
    server.mount(pullThrough.EMBEDDED_PREFIX, pullThrough.pullThroughHandler(pull, pullThrough.EMBEDDED_PREFIX));
    await pullThrough.loadKnown(pull);
    pullThrough.startSweeping(pull, Math.max(10, maxAge) * 1000);
    log('packages missing here are fetched from ' + pull.upstreamUrl + ' (--upstream none to switch it off)' + (privateScopes.length ? '; never for ' + privateScopes.join(', ') : ''));
  }
  log('registry: ' + url);
  log('use it with:  npm config set registry ' + url);
  log('press Ctrl-C to stop');
}

async function cmdBuild(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
  const out = values.out || join(ROOT, 'dist', 'ddoc');
  const docs = await buildDesignDocs();
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'app.json'), JSON.stringify(docs.app, null, 2) + '\n');
  writeFileSync(join(out, 'views.json'), JSON.stringify(docs.views, null, 2) + '\n');
  writeFileSync(join(out, 'api.json'), JSON.stringify(docs.api, null, 2) + '\n');
  writeFileSync(join(out, 'users.json'), JSON.stringify(docs.users, null, 2) + '\n');
  log('wrote app.json, views.json, api.json and users.json to ' + out);
}

// Loaded on demand, like the embedded server: each command pays only for what it uses.
const replicate = async (args: string[]) => (await import('../replicate/cli')).replicateCommand(args, log);
const resolve = async (args: string[]) => (await import('../replicate/cli')).resolveCommand(args, log);
const mirror = async (args: string[]) => (await import('../mirror/cli')).mirrorCommand(args, log);
const upstream = async (args: string[]) => (await import('../upstream/cli')).upstreamCommand(args, log);

const commands: Record<string, (args: string[]) => Promise<void>> = {
  setup: cmdSetup, start: cmdStart, build: cmdBuild, replicate, resolve, mirror, upstream,
};

export async function main(argv: string[]): Promise<void> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    console.error(USAGE);
    process.exit(name ? 1 : 0);
  }
  try {
    await command(rest);
  } catch (e) {
    console.error('couch-registry: ' + ((e as Error).message || String(e)));
    process.exit(1);
  }
}
