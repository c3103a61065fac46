// GET /:pkg/:version and GET /:pkg/:tag — one version's manifest, as the public registry serves it.
// Response: 200 {"name":"foo","version":"1.0.0","dist":{…}}; 404 for an unknown package or version.
import type { CouchRequest, CouchResponse } from '../../src/shared/couch';
import { errorResponse, jsonResponse } from '../../src/shared/errors';
import { isForeign, livePackage, versionManifest, type PackageDoc } from '../../src/shared/packument';
import { baseHeaders, queryString, registryBase } from '../../src/shared/request';
import { isLocal } from '../../src/shared/origin';
import { isUpstreamCopy, pendingTarballs } from '../../src/shared/upstream';
import { settings, type DesignDoc } from '../lib/settings';

export default function (this: DesignDoc, doc: PackageDoc | null, req: CouchRequest): CouchResponse {
  const name = queryString(req, 'pkg') || '';
  const wanted = queryString(req, 'version') || '';
  if (!livePackage(doc) || !doc) return errorResponse(404, 'The package ' + name + ' is not in this registry.');
  if (isForeign(doc)) return errorResponse(404, 'The package ' + name + ' is hosted elsewhere: ' + String(doc.url));
  const s = settings(this);
  const pending = s.upstream && isUpstreamCopy(doc, s.upstream) ? pendingTarballs(doc) : undefined;
  const manifest = versionManifest(doc, wanted, { base: registryBase(req, s.publicUrl), own: isLocal(doc, s.id), pending: pending });
  if (!manifest) return errorResponse(404, 'The package ' + name + ' has no version or tag "' + wanted + '".');
  return jsonResponse(200, manifest, baseHeaders(s.publicUrl));
}
