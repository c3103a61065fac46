// PUT /-/package/:pkg/dist-tags/:tag — `npm dist-tag add NAME@VERSION TAG`; body: "1.0.0" (a JSON string).
// DELETE /-/package/:pkg/dist-tags/:tag — `npm dist-tag rm NAME TAG`.
// Response: 201/200 {"ok":true}; 404 for an unknown version or tag; 400 for removing latest.
import type { CouchRequest, CouchResponse } from '../../src/shared/couch';
import { actorOf } from '../../src/shared/actor';
import { failureResponse, jsonResponse } from '../../src/shared/errors';
import { addTag, removeTag } from '../../src/shared/manage';
import type { PackageDoc } from '../../src/shared/packument';
import { queryString } from '../../src/shared/request';
import { failureOf, handlerRefusal, readOnlyVerdict } from '../../src/shared/rules';
import { settings, type DesignDoc } from '../lib/settings';

export default function (this: DesignDoc, doc: PackageDoc | null, req: CouchRequest): [PackageDoc | null, CouchResponse] {
  const name = queryString(req, 'pkg') || '';
  const s = settings(this);
  const readOnly = readOnlyVerdict(doc, name, s.id);
  if (readOnly) return [null, failureResponse(failureOf(readOnly))];
  const tag = queryString(req, 'tag') || '';
  const actor = actorOf(req.userCtx);
  const now = new Date().toISOString();
  const r = req.method === 'DELETE' ? removeTag(doc, tag, name, actor, now) : addTag(doc, tag, String(req.body), name, actor, now);
  if (!r.ok) return [null, failureResponse(r)];
  const refused = r.doc === doc ? null : handlerRefusal(r.doc, doc, req.userCtx, s);
  if (refused) return [null, failureResponse(refused)];
  return [r.doc === doc ? null : r.doc, jsonResponse(req.method === 'DELETE' ? 200 : 201, { ok: true, id: name })];
}
