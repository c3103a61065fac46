// GET /-/npm/v1/user — `npm profile get`. Response: 200 {"name":"alice","email":"alice@example.com",…}; 401 anonymous.
import type { CouchRequest, CouchResponse } from '../../src/shared/couch';
import { actorOf } from '../../src/shared/actor';
import { errorResponse, jsonResponse } from '../../src/shared/errors';

export default function (_doc: unknown, req: CouchRequest): CouchResponse {
  const actor = actorOf(req.userCtx);
  if (!actor.name) return errorResponse(401, 'You are not logged in to this registry. Run `npm login` first.');
  return jsonResponse(200, { name: actor.name, email: actor.email || '', email_verified: false, tfa: false, created: '', updated: '' }, { 'Cache-Control': 'no-store' });
}
