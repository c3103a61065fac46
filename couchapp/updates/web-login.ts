// POST /-/v1/login — npm's web login. Any 4xx makes npm fall back to the username/password flow
// (PUT /-/user/org.couchdb.user:NAME), which is the login this registry offers.
// An update handler rather than a show because CouchDB runs shows for GET only.
import type { CouchRequest, CouchResponse } from '../../src/shared/couch';
import { errorResponse } from '../../src/shared/errors';

export default function (_doc: unknown, _req: CouchRequest): [null, CouchResponse] {
  return [null, errorResponse(404, 'This registry has no web login; npm falls back to username and password.')];
}
