// GET /:pkg/-/upstream/:file — a tarball of an upstream copy that was not attached when the
// packument was served (src/shared/upstream.ts). Attached by now: 302 to the attachment, which
// CouchDB serves by itself. Not yet: 302 to the pull-through service, which fetches, verifies and
// attaches it. Lockfiles keep this URL; it works either way.
import type { CouchRequest, CouchResponse } from '../../src/shared/couch';
import { errorResponse } from '../../src/shared/errors';
import { nameSegment, tarballFile } from '../../src/shared/package-name';
import { livePackage, type PackageDoc } from '../../src/shared/packument';
import { queryString, registryBase } from '../../src/shared/request';
import { isUpstreamCopy, tarballMissUrl } from '../../src/shared/upstream';
import { settings, type DesignDoc } from '../lib/settings';

export default function (this: DesignDoc, doc: PackageDoc | null, req: CouchRequest): CouchResponse {
  const name = queryString(req, 'pkg') || (doc && doc._id) || '';
  const file = queryString(req, 'file') || '';
  const s = settings(this);
  const missing = errorResponse(404, 'The tarball ' + file + ' of ' + name + ' is not in this registry.');
  if (!doc || !livePackage(doc)) return missing;
  const base = registryBase(req, s.publicUrl);
  if (doc._attachments && Object.prototype.hasOwnProperty.call(doc._attachments, file)) {
    return { code: 302, headers: { Location: base + nameSegment(name) + '/-/' + file, 'Cache-Control': 'no-cache' }, body: '' };
  }
  const up = s.upstream;
  if (!up || !isUpstreamCopy(doc, up)) return missing;
  const known = Object.keys(doc.versions || {}).some(function (v) { return tarballFile(doc.name, v) === file; });
  if (!known) return missing;
  return { code: 302, headers: { Location: tarballMissUrl(up, base, name, file), 'Cache-Control': 'no-store' }, body: '' };
}
