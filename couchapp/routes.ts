// THE route table. Every endpoint the registry serves appears here once, in match order; the
// design document's `rewrites` are generated from it (src/ddoc/rewrites.ts) and a test checks
// that every target exists and that no rule is shadowed by an earlier one.
//
// Targets that are plain documents or attachments run no JavaScript in CouchDB: the hot read
// paths should stay that way wherever the behaviour allows.

export type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

export type Target =
  /** A show of this design doc, optionally on a document (":binding" or a literal id). */
  | { show: string; doc?: string }
  /** An update handler of this design doc, optionally on a document. */
  | { update: string; doc?: string }
  /** A view of this design doc. */
  | { view: string }
  /** A document of the registry database, or one of its attachments. */
  | { doc: string; attachment?: string }
  /** A path inside the `_users` database (its documents or its design doc's functions). */
  | { users: string }
  /** A server-level path such as `_session`. */
  | { server: string };

export interface Route {
  method: Method;
  from: string;
  to: Target;
  /** Extra query parameters for the target (values are strings, bindings like ":pkg" allowed). */
  query?: Record<string, string>;
  /** The npm command(s) that send this request. */
  npm: string;
}

/** The design document in `_users` that holds the login handler and the token signing key. */
export const USERS_DDOC = 'registry';

export const routes: Route[] = [
  { method: 'GET', from: '/-/ping', to: { show: 'ping' }, npm: 'npm ping' },
  { method: 'GET', from: '/-/whoami', to: { show: 'whoami' }, npm: 'npm whoami' },
  { method: 'POST', from: '/-/v1/login', to: { update: 'web-login' }, npm: 'npm login, npm adduser (web login probe)' },
  { method: 'PUT', from: '/-/user/:user', to: { users: '_design/' + USERS_DDOC + '/_update/login/:user' }, npm: 'npm login, npm adduser' },
  { method: 'PUT', from: '/-/user/:user/-rev/:rev', to: { users: '_design/' + USERS_DDOC + '/_update/login/:user' }, npm: 'npm login (existing user, second step)' },
  { method: 'GET', from: '/-/user/:user', to: { users: ':user' }, npm: 'npm login (409 retry), npm owner add' },
  { method: 'DELETE', from: '/-/user/token/:token', to: { server: '_session' }, npm: 'npm logout' },
  { method: 'POST', from: '/-/npm/v1/security/advisories/bulk', to: { update: 'audit' }, npm: 'npm audit, npm install' },
  { method: 'GET', from: '/:pkg', to: { show: 'package', doc: ':pkg' }, npm: 'npm install, npm view, npm outdated' },
  { method: 'PUT', from: '/:pkg', to: { update: 'package', doc: ':pkg' }, npm: 'npm publish, npm deprecate, npm star' },
  { method: 'PUT', from: '/:pkg/-rev/:rev', to: { update: 'package', doc: ':pkg' }, npm: 'npm unpublish (a version), npm owner' },
  { method: 'GET', from: '/:pkg/-/:file', to: { doc: ':pkg', attachment: ':file' }, npm: 'npm install, npm ci (tarball)' },
  { method: 'GET', from: '/:pkg/:version', to: { show: 'version', doc: ':pkg' }, npm: 'npm view NAME@VERSION (other clients)' },
];
