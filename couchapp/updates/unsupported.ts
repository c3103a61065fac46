// POST /-/package/:pkg/access (`npm access set`), PUT /-/team/… (`npm access grant`), and the
// token-management writes: concepts this registry does not have. Response: 4xx with a sentence.
import type { CouchRequest, CouchResponse } from '../../src/shared/couch';
import { errorResponse } from '../../src/shared/errors';
import { queryString } from '../../src/shared/request';

const WHY: Record<string, string> = {
  access: 'Every package in this registry is public to its readers; there is no private or restricted access to set.',
  team: 'This registry has no organisations or teams; maintainers are managed with `npm owner`.',
  token: 'This registry has no token management: `npm login` gives you a token that expires by itself, and `npm logout` forgets it.',
};

export default function (_doc: unknown, req: CouchRequest): [null, CouchResponse] {
  const what = queryString(req, 'what') || 'access';
  return [null, errorResponse(what === 'token' ? 404 : 400, WHY[what] || WHY.access)];
}
