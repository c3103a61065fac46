// GET /-/whoami — `npm whoami` with a token. Response: 200 {"username":"alice"}; 401 when anonymous.
import type { CouchRequest, CouchResponse } from '../../src/shared/couch';
import { errorResponse, jsonResponse } from '../../src/shared/errors';

export default function (_doc: unknown, req: CouchRequest): CouchResponse {
  const name = req.userCtx && req.userCtx.name;
  if (!name) return errorResponse(401, 'You are not logged in to this registry. Run `npm login` first.');
  // CouchDB's show ETag covers roles, not the name: never let a client revalidate this reply.
  return jsonResponse(200, { username: name }, { 'Cache-Control': 'no-store' });
}
