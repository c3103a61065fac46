// GET /-/package/:pkg/dist-tags — `npm dist-tag ls` (and before add/rm). Response: 200 {"latest":"1.2.0","beta":"2.0.0-beta.1"}
import type { CouchRequest, CouchResponse } from '../../src/shared/couch';
import { errorResponse, jsonResponse } from '../../src/shared/errors';
import { isForeign, livePackage, type PackageDoc } from '../../src/shared/packument';
import { queryString } from '../../src/shared/request';

export default function (doc: PackageDoc | null, req: CouchRequest): CouchResponse {
  const name = queryString(req, 'pkg') || '';
  if (!livePackage(doc) || !doc || isForeign(doc)) return errorResponse(404, 'The package ' + name + ' is not in this registry.');
  return jsonResponse(200, doc['dist-tags'] || {});
}
