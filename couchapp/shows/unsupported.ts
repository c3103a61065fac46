// GETs for concepts this registry does not have: organisations and teams (`npm org`, `npm team`,
// the first try of `npm access list packages`, which then falls back to /-/user/:user/package)
// and token lists (`npm token list`). Response: 404 with a sentence, which is what npm expects.
import type { CouchRequest, CouchResponse } from '../../src/shared/couch';
import { errorResponse } from '../../src/shared/errors';
import { queryString } from '../../src/shared/request';

export default function (_doc: unknown, req: CouchRequest): CouchResponse {
  if (queryString(req, 'what') === 'token') {
    return errorResponse(404, 'This registry keeps no list of tokens: `npm login` gives you a token that CouchDB checks itself and that expires by itself; `npm logout` forgets it.');
  }
  return errorResponse(404, 'This registry has no organisations or teams; maintainers are managed with `npm owner`.');
}
