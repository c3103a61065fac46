// PUT /-/user/org.couchdb.user:NAME — `npm adduser` and `npm login`; PUT …/-rev/REV — the second
// step of `npm login` for an existing user (Basic auth, checked by CouchDB itself).
// Request: {"_id":"org.couchdb.user:alice","name":"alice","password":"…","email":"…","type":"user","roles":[]}
// Response: 201 {"ok":true,"id":"org.couchdb.user:alice","token":"<JWT>"}; npm stores nothing without `token`.
//
// A new name is created here (CouchDB hashes the password). An existing account answers 409 unless
// the caller is already authenticated as that user: npm login then re-sends the request with
// Basic auth, so CouchDB, not JavaScript, checks the password (PBKDF2 with CouchDB's iteration
// count is far too slow in the query server). Tokens are HS256 JWTs that CouchDB's own JWT
// handler accepts, signed with the key in this design doc, which only server admins can read.
import type { CouchRequest, CouchResponse } from '../../../src/shared/couch';
import { errorResponse, jsonResponse } from '../../../src/shared/errors';
import { parseJsonBody, queryString } from '../../../src/shared/request';
import { USER_PREFIX, emailProblem, newUserNameProblem, userNameProblem, type UserDoc } from '../../../src/shared/user';
import { mintToken, type UsersDesignDoc } from '../../lib/token';

export default function (this: UsersDesignDoc, doc: UserDoc | null, req: CouchRequest): [UserDoc | null, CouchResponse] {
  const id = queryString(req, 'user') || req.id || '';
  if (id.indexOf(USER_PREFIX) !== 0) return [null, errorResponse(400, 'User documents are named org.couchdb.user:NAME.')];
  const name = id.slice(USER_PREFIX.length);
  const parsed = parseJsonBody(req);
  if (!parsed.ok || !parsed.value || typeof parsed.value !== 'object') return [null, errorResponse(400, 'The login request body is not a JSON object.')];
  const body = parsed.value as Record<string, unknown>;
  if (body.name !== name) return [null, errorResponse(400, 'The name in the request body does not match the user in the URL.')];

  if (doc && doc._id === id) {
    if (req.userCtx && req.userCtx.name === name) {
      // An account made before the name rules held every path into _users (a look-alike) gets no new token.
      const legacy = userNameProblem(name);
      if (legacy) return [null, errorResponse(403, 'The account ' + JSON.stringify(name) + ' breaks the registry\'s user-name rules, so it gets no token: ' + legacy + ' An administrator can remove it.')];
      const minted = mintToken(this, name, doc.roles || [], typeof doc.email === 'string' ? doc.email : undefined, new Date());
      if (!minted.ok) return [null, errorResponse(500, minted.error)];
      return [null, jsonResponse(201, { ok: true, id: id, rev: doc._rev, token: minted.token })];
    }
    return [null, errorResponse(409, 'The user ' + name + ' already exists. If that is you, log in with `npm login`.')];
  }

  const nameProblem = newUserNameProblem(name, this.registry);
  if (nameProblem) return [null, errorResponse(400, nameProblem)];
  if (typeof body.password !== 'string' || body.password === '') return [null, errorResponse(400, 'A new account needs a password.')];
  const mailProblem = emailProblem(body.email);
  if (mailProblem) return [null, errorResponse(400, mailProblem)];
  const minted = mintToken(this, name, [], typeof body.email === 'string' && body.email !== '' ? body.email : undefined, new Date());
  if (!minted.ok) return [null, errorResponse(500, minted.error)];
  const user: UserDoc = { _id: id, name: name, type: 'user', roles: [], password: body.password };
  if (typeof body.email === 'string' && body.email !== '') user.email = body.email;
  return [user, jsonResponse(201, { ok: true, id: id, token: minted.token })];
}
