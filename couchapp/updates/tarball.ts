// DELETE /:pkg/-/:file/-rev/:rev — the last step of `npm unpublish NAME@VERSION`. The version's
// tarball went with the version in the step before, so this normally has nothing left to do.
// Response: 200 {"ok":true}; 403 while the version the tarball belongs to is still published.
import type { CouchRequest, CouchResponse } from '../../src/shared/couch';
import { actorOf } from '../../src/shared/actor';
import { failureResponse, jsonResponse } from '../../src/shared/errors';
import { maintainedPackage } from '../../src/shared/manage';
import type { PackageDoc } from '../../src/shared/packument';
import { queryString } from '../../src/shared/request';
import { failureOf, handlerRefusal, publishedTarballVerdict, readOnlyVerdict } from '../../src/shared/rules';
import { settings, type DesignDoc } from '../lib/settings';

export default function (this: DesignDoc, doc: PackageDoc | null, req: CouchRequest): [PackageDoc | null, CouchResponse] {
  const name = queryString(req, 'pkg') || '';
  const s = settings(this);
  const readOnly = readOnlyVerdict(doc, name, s.id);
  if (readOnly) return [null, failureResponse(failureOf(readOnly))];
  const file = queryString(req, 'file') || '';
  const target = maintainedPackage(doc, name, actorOf(req.userCtx), false);
  if (!target.ok) return [null, failureResponse(target)];
  const kept = publishedTarballVerdict(name, file, target.doc.versions);
  if (kept) return [null, failureResponse(failureOf(kept))];
  const attachments = target.doc._attachments || {};
  if (!attachments[file]) return [null, jsonResponse(200, { ok: true, id: name })];
  const out = JSON.parse(JSON.stringify(target.doc)) as PackageDoc;
  delete (out._attachments as Record<string, unknown>)[file];
  const refused = handlerRefusal(out, doc, req.userCtx, s);
  if (refused) return [null, failureResponse(refused)];
  return [out, jsonResponse(200, { ok: true, id: name })];
}
