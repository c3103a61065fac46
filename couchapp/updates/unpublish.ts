// DELETE /:pkg/-rev/:rev — `npm unpublish NAME --force` (and of a package's last version).
// Response: 200 {"ok":true}. The package becomes a tombstone that keeps its maintainers and the
// publish times of every version: reads give 404, and only former maintainers may publish the
// name again, never with a version number used before.
import type { CouchRequest, CouchResponse } from '../../src/shared/couch';
import { actorOf } from '../../src/shared/actor';
import { failureResponse, jsonResponse } from '../../src/shared/errors';
import { unpublishAll } from '../../src/shared/manage';
import type { PackageDoc } from '../../src/shared/packument';
import { queryString } from '../../src/shared/request';
import { failureOf, handlerRefusal, readOnlyVerdict } from '../../src/shared/rules';
import { settings, type DesignDoc } from '../lib/settings';

export default function (this: DesignDoc, doc: PackageDoc | null, req: CouchRequest): [PackageDoc | null, CouchResponse] {
  const name = queryString(req, 'pkg') || '';
  const s = settings(this);
  const readOnly = readOnlyVerdict(doc, name, s.id);
  if (readOnly) return [null, failureResponse(failureOf(readOnly))];
  const r = unpublishAll(doc, queryString(req, 'rev'), name, actorOf(req.userCtx), new Date().toISOString());
  if (!r.ok) return [null, failureResponse(r)];
  const refused = handlerRefusal(r.doc, doc, req.userCtx, s);
  if (refused) return [null, failureResponse(refused)];
  return [r.doc, jsonResponse(200, { ok: true, id: name })];
}
