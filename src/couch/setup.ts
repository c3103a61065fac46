// `couch-registry setup`: prepares a running CouchDB (or the embedded stand-in) to serve the
// registry. Idempotent: every step reads first and writes only what differs, and says what it
// changed. Server-wide settings (config on every node, `_users`) are one step; each registry
// database is another, so tests can set the server up once and create many databases.
import { randomBytes } from 'node:crypto';
import { Couch, CouchError } from './client';
import { deployViews, pushDesignDoc, type IndexWait } from './push';
import { buildDesignDocs, APP_DDOC_ID, type BuiltDesignDocs } from '../ddoc/build';
import { DEFAULT_SETTINGS } from '../../couchapp/lib/settings';
import { largestTarball } from '../shared/rules';
import type { UpstreamSettings } from '../shared/upstream';

export type Log = (line: string) => void;

export interface ServerInfo {
  version: string;
  embedded: boolean;
  nodes: string[];
}

const JWT_HANDLER = '{chttpd_auth, jwt_authentication_handler}';
const DEFAULT_HANDLERS = '{chttpd_auth, cookie_authentication_handler}, {chttpd_auth, default_authentication_handler}';
export const PUBLIC_USER_FIELDS = 'name, type, _id, _rev, email';
const MIN_OS_PROCESS_TIMEOUT_MS = 60000;
const OPEN_SECURITY = { admins: { names: [], roles: [] }, members: { names: [], roles: [] } };

export async function inspectServer(couch: Couch): Promise<ServerInfo> {
  const root = await couch.request('GET', '');
  if (!root || root.couchdb !== 'Welcome') throw new CouchError(couch.target.origin + ' does not look like CouchDB (no "couchdb":"Welcome" at its root).');
  const embedded = Boolean(root.vendor && root.vendor.name === 'couch-registry embedded');
  const version = String(root.version || '0');
  const [major, minor] = version.split('.').map(Number);
  if (!embedded && (major < 3 || (major === 3 && minor < 2))) {
    throw new CouchError('CouchDB ' + version + ' at ' + couch.target.origin + ' is too old: the registry needs 3.2 or newer (JWT authentication, /_node config).');
  }
  const session = await couch.request('GET', '_session');
  const roles: string[] = (session && session.userCtx && session.userCtx.roles) || [];
  if (roles.indexOf('_admin') < 0) {
    const who = session && session.userCtx && session.userCtx.name;
    throw new CouchError(who ? 'The user ' + who + ' in --couch is not a CouchDB server admin; setup needs one.' : 'CouchDB at ' + couch.target.origin + ' did not accept the credentials in --couch: give an admin as http://ADMIN:PASSWORD@host:port.');
  }
  const membership = await couch.request('GET', '_membership');
  const nodes: string[] = (membership && membership.all_nodes) || ['_local'];
  return { version, embedded, nodes };
}

export interface ServerSetup {
  info: ServerInfo;
  /** The HMAC key tokens are signed with (base64). Never printed. */
  secret: string;
}

export interface ServerOptions {
  /** CouchDB's JavaScript engine; QuickJS serves the packument show about twice as fast (README). */
  jsEngine?: 'spidermonkey' | 'quickjs';
}

/** Settings every node needs; returns whether any of them only applies after a restart. */
async function configureNodes(couch: Couch, info: ServerInfo, secret: string, log: Log, opts: ServerOptions): Promise<boolean> {
  let restart = false;
  for (const node of info.nodes) {
    const set = async (section: string, key: string, value: string, opts: { secret?: boolean; restart?: boolean } = {}) => {
      const current = await couch.config(node, section, key);
      if (current === value) return;
      await couch.setConfig(node, section, key, value);
      if (opts.restart) restart = true;
      const shown = opts.secret ? '(a new key)' : value + (current === null ? '' : ' (was ' + current + ')');
      log('node ' + node + ': set ' + section + '/' + key + ' = ' + shown);
    };
    await set('chttpd', 'secure_rewrites', 'false');
    await set('chttpd_auth', 'users_db_public', 'true');
    await set('chttpd_auth', 'public_fields', PUBLIC_USER_FIELDS);
    await set('jwt_keys', 'hmac:_default', secret, { secret: true });
    await set('jwt_auth', 'required_claims', 'exp');
    // CouchDB lets anyone who may read `_users` (everyone, once sign-up is open) purge its documents:
    // its admin-only rule for _purge does not cover `_users`. A purged account leaves no trace, so a
    // stranger could sign up with its name and maintain its packages. No purge may name a revision.
    await set('purge', 'max_revisions_number', '0');
    if (opts.jsEngine && !info.embedded) await set('couchdb', 'js_engine', opts.jsEngine);
    // Publishing checks the tarball's sha512 and sha1 inside the query server, which runs them at
    // about 1.2 MB/s: the default 5 s limit would cut off tarballs past ~5 MB.
    const timeout = Number(await couch.config(node, 'couchdb', 'os_process_timeout'));
    if (!(timeout >= MIN_OS_PROCESS_TIMEOUT_MS)) await set('couchdb', 'os_process_timeout', String(MIN_OS_PROCESS_TIMEOUT_MS));
    const handlers = (await couch.config(node, 'chttpd', 'authentication_handlers')) || DEFAULT_HANDLERS;
    if (handlers.indexOf('jwt_authentication_handler') < 0) {
      await set('chttpd', 'authentication_handlers', JWT_HANDLER + ', ' + handlers, { restart: true });
    }
  }
  return restart;
}

/** The existing token key if any node has one (all must agree), else a new one. */
async function tokenKey(couch: Couch, info: ServerInfo): Promise<string> {
  for (const node of info.nodes) {
    const existing = await couch.config(node, 'jwt_keys', 'hmac:_default');
    if (existing) return existing;
  }
  return randomBytes(32).toString('base64');
}

async function ensureDatabase(couch: Couch, db: string, log: Log): Promise<void> {
  const info = await couch.request('GET', encodeURIComponent(db), undefined, { allow404: true });
  if (info) return;
  try {
    await couch.request('PUT', encodeURIComponent(db));
    log('created database ' + db);
  } catch (e) {
    // 412: created meanwhile by someone else, which is just as good.
    if (!(e instanceof CouchError && e.status === 412)) throw e;
  }
}

function sameSecurity(a: unknown): boolean {
  const s = (a || {}) as { admins?: { names?: string[]; roles?: string[] }; members?: { names?: string[]; roles?: string[] } };
  const empty = (g?: { names?: string[]; roles?: string[] }) => !g || ((g.names || []).length === 0 && (g.roles || []).length === 0);
  return empty(s.admins) && empty(s.members);
}

async function openUsersDb(couch: Couch, info: ServerInfo, log: Log): Promise<void> {
  const current = await couch.request('GET', '_users/_security');
  if (sameSecurity(current) && current && current.members) return;
  // CouchDB guards _users/_security behind a setting: open it, write, and put it back as it was.
  const before: Record<string, string | null> = {};
  for (const node of info.nodes) {
    before[node] = await couch.config(node, 'couchdb', 'users_db_security_editable');
    if (before[node] !== 'true') await couch.setConfig(node, 'couchdb', 'users_db_security_editable', 'true');
  }
  try {
    await couch.request('PUT', '_users/_security', OPEN_SECURITY);
    log('opened _users for sign-up (empty _security members)');
  } finally {
    for (const node of info.nodes) {
      if (before[node] === 'true') continue;
      if (before[node] === null) await couch.request('DELETE', '_node/' + encodeURIComponent(node) + '/_config/couchdb/users_db_security_editable', undefined, { allow404: true });
      else await couch.setConfig(node, 'couchdb', 'users_db_security_editable', before[node] as string);
    }
  }
}

async function restartNodes(couch: Couch, info: ServerInfo, log: Log): Promise<void> {
  for (const node of info.nodes) {
    log('restarting node ' + node + ' (the authentication handler list is read at start)');
    await couch.request('POST', '_node/' + encodeURIComponent(node) + '/_restart').catch(() => undefined);
  }
  const deadline = Date.now() + 120_000;
  await new Promise((r) => setTimeout(r, 1000));
  for (;;) {
    const up = await couch.request('GET', '_up').then(() => true, () => false);
    if (up) return;
    if (Date.now() > deadline) throw new CouchError('CouchDB at ' + couch.target.origin + ' did not come back within 2 minutes of a restart; check its log.');
    await new Promise((r) => setTimeout(r, 500));
  }
}

export async function setupServer(couch: Couch, log: Log, opts: ServerOptions = {}): Promise<ServerSetup> {
  const info = await inspectServer(couch);
  await ensureDatabase(couch, '_users', log);
  await ensureDatabase(couch, '_replicator', log);
  const secret = await tokenKey(couch, info);
  const restart = await configureNodes(couch, info, secret, log, opts);
  await openUsersDb(couch, info, log);
  if (restart && !info.embedded) await restartNodes(couch, info, log);
  return { info, secret };
}

export interface DatabaseOptions {
  db: string;
  publicUrl?: string;
  tokenTtlSeconds?: number;
  maxBodyBytes?: number;
  /** Let foreign packages point at loopback and private addresses (src/shared/foreign.ts). */
  allowPrivateForeignUrls?: boolean;
  /** The pull-through: the upstream registry and the service that fetches from it (src/shared/upstream.ts). */
  upstream?: UpstreamSettings;
}

/** How setupDatabase deploys: other design docs than the built ones, and how it waits for an index (tests). */
export interface DeployOptions {
  docs?: BuiltDesignDocs;
  wait?: IndexWait;
}

/**
 * Creates and opens the registry database and pushes its design documents; returns the registry
 * URL. The views design doc goes first and its index is built before the app design doc, whose
 * lists read it, is pushed; a changed views doc is built under another name and swapped in, so
 * search and the listings keep answering meanwhile (deployViews).
 */
export async function setupDatabase(couch: Couch, server: ServerSetup, opts: DatabaseOptions, log: Log, deploy: DeployOptions = {}): Promise<string> {
  const urlProblem = opts.publicUrl ? publicUrlProblem(opts.publicUrl) : null;
  if (urlProblem) throw new CouchError(urlProblem);
  await ensureDatabase(couch, opts.db, log);
  const dbPath = encodeURIComponent(opts.db);
  const security = await couch.request('GET', dbPath + '/_security');
  if (!sameSecurity(security) || !security.members) {
    await couch.request('PUT', dbPath + '/_security', OPEN_SECURITY);
    log('opened ' + opts.db + ' for reading by everyone (writes are checked by validate_doc_update)');
  }
  const docs = deploy.docs || await buildDesignDocs();
  const registry: Record<string, unknown> = { id: await registryId(couch, opts.db, log) };
  if (opts.publicUrl) registry.publicUrl = opts.publicUrl.replace(/\/?$/, '/');
  if (opts.maxBodyBytes) registry.maxBodyBytes = opts.maxBodyBytes;
  if (opts.allowPrivateForeignUrls) registry.allowPrivateForeignUrls = true;
  if (opts.upstream) {
    registry.upstream = upstreamSetting(opts.upstream);
    log('names missing here are pulled through from ' + opts.upstream.url + ' by the service at ' + opts.upstream.service);
    await roomForUpstreamPackuments(couch, server.info, log);
  }
  docs.app.registry = registry;
  await checkAttachmentLimit(couch, server.info, largestTarball(opts.maxBodyBytes || DEFAULT_SETTINGS.maxBodyBytes), log);
  docs.users.secret = server.secret;
  const users: Record<string, unknown> = { reservedNames: await serverAdminNames(couch, server.info) };
  if (opts.tokenTtlSeconds) users.tokenTtlSeconds = opts.tokenTtlSeconds;
  docs.users.registry = users;
  await deployViews(couch, opts.db, docs.views, log, deploy.wait);
  await pushDesignDoc(couch, opts.db, docs.app, log);
  await pushDesignDoc(couch, opts.db, docs.api, log);
  await pushDesignDoc(couch, '_users', docs.users, log);
  // Index files no design doc names any more: the views' previous index, and the views that older
  // versions kept in the app design doc.
  await couch.request('POST', dbPath + '/_view_cleanup', {});
  return registryUrl(couch, opts);
}

/** The upstream as the design doc stores it: the URL in the form origins use, scopes lower-case with their @. */
function upstreamSetting(up: UpstreamSettings): UpstreamSettings {
  if (!(up.maxAge >= 0)) throw new CouchError('--upstream-max-age must be a number of seconds.');
  const scopes = up.privateScopes.map((s) => {
    const scope = s.trim().toLowerCase();
    return scope.charAt(0) === '@' ? scope : '@' + scope;
  });
  let url: URL;
  try {
    url = new URL(up.url);
  } catch {
    throw new CouchError('--upstream must be a URL like https://registry.npmjs.org, not ' + JSON.stringify(up.url) + '.');
  }
  // as the mirror and the pull-through write origins: no credentials, no trailing slash
  url.username = '';
  url.password = '';
  url.hash = '';
  return { url: url.href.replace(/\/+$/, ''), service: up.service.replace(/\/+$/, ''), maxAge: up.maxAge, privateScopes: scopes };
}

/**
 * The server admins' names, which nobody may sign up with (src/shared/user.ts): CouchDB checks
 * `[admins]` before `_users`, so such an account could never log in with its own password.
 */
async function serverAdminNames(couch: Couch, info: ServerInfo): Promise<string[]> {
  const names: string[] = [];
  for (const node of info.nodes) {
    const admins = await couch.request('GET', '_node/' + encodeURIComponent(node) + '/_config/admins', undefined, { allow404: true });
    for (const name of Object.keys(admins || {}).sort()) if (names.indexOf(name) < 0) names.push(name);
  }
  return names;
}

/**
 * The id this registry stamps on what is published here (src/shared/origin.ts). It lives in
 * `_design/app` (`registry.id`), read back from the deployed design document: only server admins
 * can write design documents, and `couch-registry replicate` copies none, so a replica gets its own.
 *
 * Older versions kept it in `_local/couch-registry`, which anyone who can read the database (so
 * anyone, anonymous included) can overwrite. That value is taken once, only when no design document
 * has an id yet, and only in the form setup generates; from then on it is never read again.
 */
async function registryId(couch: Couch, db: string, log: Log): Promise<string> {
  const ddoc = await couch.request('GET', encodeURIComponent(db) + '/' + APP_DDOC_ID, undefined, { allow404: true });
  const deployed = ddoc && ddoc.registry && ddoc.registry.id;
  if (typeof deployed === 'string' && deployed !== '') return deployed;
  const legacy = await couch.request('GET', encodeURIComponent(db) + '/_local/couch-registry', undefined, { allow404: true });
  if (legacy && typeof legacy.id === 'string' && GENERATED_ID.test(legacy.id)) {
    log('took this registry\'s id ' + legacy.id + ' from _local/couch-registry, where an older setup kept it; it now lives in ' + APP_DDOC_ID + ' (check that it is the origin of the packages published here: README, "Identity, tarballs and tarball URLs")');
    return legacy.id;
  }
  const id = 'registry-' + randomBytes(8).toString('hex');
  log('named this registry ' + id + ' (the origin stamped on packages published here)');
  return id;
}

const GENERATED_ID = /^registry-[0-9a-f]{16}$/;

/** --public-url is pasted into every tarball URL: only a plain http(s) URL is accepted. */
export function publicUrlProblem(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '--public-url ' + url + ' is not a URL; give one such as https://npm.example.com/.';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return '--public-url must start with http:// or https://, not ' + parsed.protocol + '//.';
  if (parsed.username || parsed.password) return '--public-url must not carry credentials: it is shown to every client.';
  if (parsed.search || parsed.hash) return '--public-url must not have a query or fragment: tarball paths are appended to it.';
  if (parsed.href !== url && parsed.href !== url + '/') return '--public-url ' + url + ' is not written the way a URL is sent; give it as ' + parsed.href + '.';
  return null;
}

/**
 * CouchDB's own attachment limit is node-wide and also binds admin writes (mirror, pull-through,
 * replication of upstream copies, whose tarballs may be larger than a publish allows), so setup
 * does not lower it: validate_doc_update holds users to the registry's limit. A node limit below
 * the registry's would only make large publishes fail with CouchDB's less helpful error.
 */
async function checkAttachmentLimit(couch: Couch, info: ServerInfo, tarballBytes: number, log: Log): Promise<void> {
  for (const node of info.nodes) {
    const raw = await couch.config(node, 'couchdb', 'max_attachment_size');
    const max = raw === null || raw === 'infinity' ? Infinity : Number(raw);
    if (max < tarballBytes) {
      log('note: node ' + node + ' has [couchdb] max_attachment_size = ' + raw + ' bytes, below the ' + tarballBytes + ' bytes a publish may carry here (--max-body-mb); CouchDB will refuse such tarballs itself');
    }
  }
}

/** Public packuments of 10 MB and more are common (typescript, @types/node, next). */
export const UPSTREAM_DOCUMENT_BYTES = 64 * 1024 * 1024;

/**
 * CouchDB refuses documents over `[couchdb] max_document_size` (8,000,000 bytes by default), and
 * many public packuments are larger: with a pull-through upstream setup raises the limit on every
 * node to UPSTREAM_DOCUMENT_BYTES where it is lower. Users' publishes stay bounded by the
 * registry's own body limit (--max-body-mb), which the update handler checks.
 */
async function roomForUpstreamPackuments(couch: Couch, info: ServerInfo, log: Log): Promise<void> {
  for (const node of info.nodes) {
    const raw = await couch.config(node, 'couchdb', 'max_document_size');
    const max = raw === null ? 8000000 : raw === 'infinity' ? Infinity : Number(raw);
    if (max >= UPSTREAM_DOCUMENT_BYTES) continue;
    await couch.setConfig(node, 'couchdb', 'max_document_size', String(UPSTREAM_DOCUMENT_BYTES));
    log('raised [couchdb] max_document_size on ' + node + ' from ' + (raw === null ? 'the default 8000000' : raw) + ' to ' + UPSTREAM_DOCUMENT_BYTES + ' bytes: upstream packuments can be that large');
  }
}

export function registryUrl(couch: Couch, opts: DatabaseOptions): string {
  if (opts.publicUrl) return opts.publicUrl.replace(/\/?$/, '/');
  return couch.target.origin + '/' + encodeURIComponent(opts.db) + '/' + APP_DDOC_ID + '/_rewrite/';
}

export async function setup(couchUrl: string, opts: DatabaseOptions & ServerOptions, log: Log): Promise<string> {
  const couch = new Couch(couchUrl);
  const server = await setupServer(couch, log, opts);
  return setupDatabase(couch, server, opts, log);
}
