// GET /-/package/:pkg/visibility — `npm access get status`: {"public":true}.
// GET /-/package/:pkg/collaborators — `npm access list collaborators`: {"alice":"write"}.
// Every package here is readable by everyone who can read the registry; its maintainers may write.
import type { CouchRequest, CouchResponse } from '../../src/shared/couch';
import { errorResponse, jsonResponse } from '../../src/shared/errors';
import { livePackage, type PackageDoc } from '../../src/shared/packument';
import { queryString } from '../../src/shared/request';

export default function (doc: PackageDoc | null, req: CouchRequest): CouchResponse {
  const name = queryString(req, 'pkg') || '';
  if (!livePackage(doc) || !doc) return errorResponse(404, 'The package ' + name + ' is not in this registry.');
  if (queryString(req, 'what') === 'collaborators') {
    const out: Record<string, string> = {};
    for (const m of doc.maintainers || []) out[m.name] = 'write';
    return jsonResponse(200, out);
  }
  return jsonResponse(200, { public: true });
}
