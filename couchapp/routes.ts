// THE route table. Every endpoint the registry serves appears here once, in match order; the
// design documents' `rewrites` are generated from it (src/ddoc/rewrites.ts) and a test checks
// that every target exists and that no rule is shadowed by an earlier one. CouchDB reads every
// rule of a design doc on each request, so the `/-/…` routes go to a second design doc
// (`_design/api`) behind one delegating rule, and the package routes stay few and first.
//
// Targets that are plain documents or attachments run no JavaScript in CouchDB: the hot read
// paths should stay that way wherever the behaviour allows.

export type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

export type Target =
  /** A show of this design doc, optionally on a document (":binding" or a literal id). */
  | { show: string; doc?: string }
  /** An update handler of this design doc, optionally on a document. */
  | { update: string; doc?: string }
  /** A view of the views design doc (`_design/views`, which holds every view and nothing else). */
  | { view: string }
  /** A list function of the app design doc over a view of the views design doc. */
  | { list: string; view: string }
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
  /** Extra query parameters for the target: strings, or arrays for view keys; bindings like ":pkg" allowed. */
  query?: Record<string, string | unknown[]>;
  /** The npm command(s) that send this request. */
  npm: string;
}

/** The design document in `_users` that holds the login handler and the token signing key. */
export const USERS_DDOC = 'registry';

export const routes: Route[] = [
  // The hot paths first: CouchDB parses every rule before the one that matches, on every request.
  { method: 'GET', from: '/:pkg/-/:file', to: { doc: ':pkg', attachment: ':file' }, npm: 'npm install, npm ci (tarball)' },
  { method: 'GET', from: '/:pkg', to: { show: 'package', doc: ':pkg' }, npm: 'npm install, npm view, npm outdated' },
  { method: 'GET', from: '/:pkg/-/upstream/:file', to: { show: 'upstream-tarball', doc: ':pkg' }, query: { file: ':file' }, npm: 'npm install, npm ci (a pulled-through tarball, before and after it is attached)' },
  { method: 'GET', from: '/-/ping', to: { show: 'ping' }, npm: 'npm ping' },
  { method: 'GET', from: '/-/whoami', to: { show: 'whoami' }, npm: 'npm whoami' },
  { method: 'POST', from: '/-/v1/login', to: { update: 'web-login' }, npm: 'npm login, npm adduser (web login probe)' },
  { method: 'PUT', from: '/-/user/:user', to: { users: '_design/' + USERS_DDOC + '/_update/login/:user' }, npm: 'npm login, npm adduser' },
  { method: 'PUT', from: '/-/user/:user/-rev/:rev', to: { users: '_design/' + USERS_DDOC + '/_update/login/:user' }, npm: 'npm login (existing user, second step)' },
  { method: 'GET', from: '/-/user/:user', to: { users: ':user' }, npm: 'npm login (409 retry), npm owner add' },
  { method: 'DELETE', from: '/-/user/token/:token', to: { server: '_session' }, npm: 'npm logout' },
  { method: 'POST', from: '/-/npm/v1/security/advisories/bulk', to: { update: 'audit' }, npm: 'npm audit, npm install' },
  { method: 'GET', from: '/-/package/:pkg/dist-tags', to: { show: 'dist-tags', doc: ':pkg' }, npm: 'npm dist-tag ls/add/rm' },
  { method: 'PUT', from: '/-/package/:pkg/dist-tags/:tag', to: { update: 'dist-tags', doc: ':pkg' }, npm: 'npm dist-tag add' },
  { method: 'POST', from: '/-/package/:pkg/dist-tags/:tag', to: { update: 'dist-tags', doc: ':pkg' }, npm: 'npm dist-tag add (older clients)' },
  { method: 'DELETE', from: '/-/package/:pkg/dist-tags/:tag', to: { update: 'dist-tags', doc: ':pkg' }, npm: 'npm dist-tag rm' },
  { method: 'GET', from: '/-/package/:pkg/visibility', to: { show: 'access', doc: ':pkg' }, npm: 'npm access get status' },
  { method: 'GET', from: '/-/package/:pkg/collaborators', to: { show: 'access', doc: ':pkg' }, query: { what: 'collaborators' }, npm: 'npm access list collaborators' },
  { method: 'POST', from: '/-/package/:pkg/access', to: { update: 'unsupported' }, query: { what: 'access' }, npm: 'npm access set' },
  { method: 'PUT', from: '/-/team/:org/:team/package', to: { update: 'unsupported' }, query: { what: 'team' }, npm: 'npm access grant' },
  { method: 'DELETE', from: '/-/team/:org/:team/package', to: { update: 'unsupported' }, query: { what: 'team' }, npm: 'npm access revoke' },
  { method: 'GET', from: '/-/user/:user/package', to: { list: 'user-packages', view: 'by-maintainer' }, query: { key: ':user' }, npm: 'npm access list packages' },
  { method: 'GET', from: '/-/org/:org/package', to: { show: 'unsupported' }, npm: 'npm access list packages (tried first)' },
  { method: 'GET', from: '/-/org/:org/user', to: { show: 'unsupported' }, npm: 'npm org ls' },
  { method: 'GET', from: '/-/org/:org/team', to: { show: 'unsupported' }, npm: 'npm team ls' },
  { method: 'GET', from: '/-/npm/v1/tokens', to: { show: 'unsupported' }, query: { what: 'token' }, npm: 'npm token list' },
  { method: 'POST', from: '/-/npm/v1/tokens', to: { update: 'unsupported' }, query: { what: 'token' }, npm: 'npm token create' },
  { method: 'DELETE', from: '/-/npm/v1/tokens/token/:key', to: { update: 'unsupported' }, query: { what: 'token' }, npm: 'npm token revoke' },
  { method: 'GET', from: '/-/npm/v1/user', to: { show: 'profile' }, npm: 'npm profile get' },
  { method: 'GET', from: '/-/_view/starredByUser', to: { view: 'starredByUser' }, npm: 'npm stars' },
  { method: 'GET', from: '/-/by-user/:user', to: { list: 'by-user', view: 'by-maintainer' }, query: { key: ':user' }, npm: '(CouchApp listing) packages a user maintains' },
  { method: 'GET', from: '/-/all/since', to: { list: 'all', view: 'modified' }, npm: '(CouchApp listing) packages changed since ?startkey' },
  { method: 'GET', from: '/-/all', to: { list: 'all', view: 'modified' }, npm: '(CouchApp listing) every package' },
  // A search of one word takes two lookups: its counts, then the rows of one page; several words
  // take their counts first, then every row of the rarest (see src/shared/search-query.ts).
  { method: 'GET', from: '/-/v1/search', to: { list: 'search', view: 'search' }, query: { startkey: [':text'], endkey: [':text', {}], group_level: '2' }, npm: 'npm search' },
  { method: 'GET', from: '/-/v1/search/:term', to: { list: 'search', view: 'search' }, query: { startkey: [':term'], endkey: [':term', {}], group_level: '2' }, npm: 'npm search (capitals, punctuation)' },
  { method: 'GET', from: '/-/v1/search/-/terms', to: { list: 'search-terms', view: 'search' }, query: { group: 'true' }, npm: 'npm search (several words, after a redirect)' },
  { method: 'GET', from: '/-/v1/search/:term/page', to: { list: 'search-page', view: 'search' }, query: { startkey: [':term'], endkey: [':term', {}], reduce: 'false' }, npm: 'npm search (the page, after a redirect)' },
  { method: 'PUT', from: '/:pkg', to: { update: 'package', doc: ':pkg' }, npm: 'npm publish, npm deprecate, npm star' },
  { method: 'PUT', from: '/:pkg/-rev/:rev', to: { update: 'package', doc: ':pkg' }, npm: 'npm unpublish (a version), npm owner' },
  { method: 'DELETE', from: '/:pkg/-rev/:rev', to: { update: 'unpublish', doc: ':pkg' }, npm: 'npm unpublish NAME --force' },
  { method: 'DELETE', from: '/:pkg/-/:file/-rev/:rev', to: { update: 'tarball', doc: ':pkg' }, npm: 'npm unpublish NAME@VERSION (last step)' },
  { method: 'GET', from: '/:pkg/:version', to: { show: 'version', doc: ':pkg' }, npm: 'npm view NAME@VERSION (other clients)' },
];
