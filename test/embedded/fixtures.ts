// Small design documents for the embedded-server tests: an app design doc with a
// validate_doc_update, shows, updates, a list, a view and rewrites, and a `_users` design doc
// that keeps a secret and mints a "token" from it, like the registry's login handler.

/** Counts show runs in this process, to prove a 304 did not run the function. */
declare global {
  var showRuns: number | undefined;
}

export const APP_DDOC = {
  _id: '_design/app',
  validate_doc_update: `function (newDoc, oldDoc, userCtx) {
    if (newDoc._deleted) return;
    if (!userCtx.name) throw({unauthorized: 'Please log in before writing.'});
    if (newDoc.owner !== userCtx.name && userCtx.roles.indexOf('_admin') === -1) {
      throw({forbidden: 'Only the owner may write this document.'});
    }
  }`,
  shows: {
    whoami: `function (doc, req) {
      return {json: {userCtx: req.userCtx, query: req.query, body: req.body, headers: req.headers,
        id: req.id, path: req.path, doc: doc}};
    }`,
    counted: `function (doc, req) {
      globalThis.showRuns = (globalThis.showRuns || 0) + 1;
      return {headers: {Vary: 'Accept, Authorization', 'X-Show': 'yes'}, body: 'hello ' + (doc ? doc.value : 'nobody')};
    }`,
    // a lower-case `vary` survives CouchDB's replacement of `Vary`, and its own `ETag` does not
    varies: `function (doc, req) {
      return {headers: {vary: 'Host', ETag: '"its-own"', 'X-Show': 'yes'}, body: 'varies'};
    }`,
    forbid: `function (doc, req) { throw({forbidden: 'No entry for you.'}); }`,
    unauth: `function (doc, req) { throw({unauthorized: 'Who are you?'}); }`,
    broken: `function (doc, req) { return undefinedVariable.x; }`,
  },
  updates: {
    publish: `function (doc, req) {
      var body = JSON.parse(req.body);
      var next = {_id: req.id, owner: body.owner, value: body.value};
      if (doc) next._rev = doc._rev;
      return [next, {json: {ok: true, by: req.userCtx}}];
    }`,
    echo: `function (doc, req) {
      return [null, {json: {userCtx: req.userCtx, query: req.query, body: req.body, headers: req.headers, method: req.method}}];
    }`,
    forbid: `function (doc, req) { throw({forbidden: 'Not you.'}); }`,
    unauth: `function (doc, req) { throw({unauthorized: 'Log in first.'}); }`,
  },
  lists: {
    owners: `function (head, req) {
      var row, keys = [];
      while ((row = getRow())) keys.push(row.key);
      return JSON.stringify({keys: keys, userCtx: req.userCtx, total: head.total_rows});
    }`,
  },
  views: {
    byOwner: { map: 'function (doc) { if (doc.owner) emit(doc.owner, null); }' },
  },
  rewrites: [
    { from: '/-/whoami', to: '_show/whoami' },
    { from: '/pkg/:name', to: '_show/whoami/:name' },
    { from: '/-/user/:user', to: '../../../_users/:user' },
    { from: '/-/login/:id', to: '../../../_users/_design/registry/_update/login/:id', method: 'PUT' },
    { from: '/-/session', to: '../../../_session' },
    { from: '/-/publish/:id', to: '_update/publish/:id', method: 'PUT' },
  ],
};

export const USERS_SECRET = 'the-hmac-secret-only-admins-may-read';

export const USERS_DDOC = {
  _id: '_design/registry',
  secret: USERS_SECRET,
  updates: {
    // anonymous: create the user doc; authenticated: "mint" a token from the secret in `this`
    login: `function (doc, req) {
      var body = req.body === 'undefined' ? {} : JSON.parse(req.body);
      if (!req.userCtx.name) {
        return [{_id: req.id, name: body.name, password: body.password, type: 'user', roles: body.roles || []},
          {code: 201, json: {ok: true, created: body.name}}];
      }
      return [null, {json: {ok: true, name: req.userCtx.name, token: 'minted:' + this.secret.length,
        secretSeen: this.secret === '${USERS_SECRET}'}}];
    }`,
  },
  shows: {
    peek: `function (doc, req) {
      return {json: {secretSeen: this.secret === '${USERS_SECRET}', doc: doc, userCtx: req.userCtx}};
    }`,
  },
};
