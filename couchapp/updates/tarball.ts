// DELETE /:pkg/-/:file/-rev/:rev — the last step of `npm unpublish NAME@VERSION`. The version's
// tarball went with the version in the step before, so this normally has nothing left to do.
// Response: 200 {"ok":true}; 403 while the version the tarball belongs to is still published.
import type { CouchRequest, CouchResponse } from '../../src/shared/couch';
import { actorOf } from '../../src/shared/actor';
import { errorResponse, failureResponse, jsonResponse } from '../../src/shared/errors';
import { maintainedPackage } from '../../src/shared/manage';
import { tarballFile } from '../../src/shared/package-name';
import type { PackageDoc } from '../../src/shared/packument';
import { queryString } from '../../src/shared/request';
import { refuseUpstream } from '../../src/shared/origin';
import { settings, type DesignDoc } from '../lib/settings';

export default function (this: DesignDoc, doc: PackageDoc | null, req: CouchRequest): [PackageDoc | null, CouchResponse] {
  const name = queryString(req, 'pkg') || '';
  const upstream = refuseUpstream(doc, name, settings(this).id);
  if (upstream) return [null, failureResponse(upstream)];
  const file = queryString(req, 'file') || '';
  const target = maintainedPackage(doc, name, actorOf(req.userCtx), false);
  if (!target.ok) return [null, failureResponse(target)];
  const versions = target.doc.versions || {};
  for (const v of Object.keys(versions)) {
    if (tarballFile(name, v) === file) return [null, errorResponse(403, 'The tarball ' + file + ' belongs to the published version ' + v + '; unpublish that version instead.')];
  }
  const attachments = target.doc._attachments || {};
  if (!attachments[file]) return [null, jsonResponse(200, { ok: true, id: name })];
  const out = JSON.parse(JSON.stringify(target.doc)) as PackageDoc;
  delete (out._attachments as Record<string, unknown>)[file];
  return [out, jsonResponse(200, { ok: true, id: name })];
}
