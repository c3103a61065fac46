// PUT /:pkg (npm publish, npm deprecate, npm star) and PUT /:pkg/-rev/:rev (npm unpublish of one
// version, npm owner). Request bodies differ by intent (docs/npm-protocol.md §5, §10–§13): the body is
// classified first, then handled by one function per intent. Response: 201 {"ok":true,"id":"foo"}
// or a 4xx whose `error` says what is wrong; the stored document is untouched on any error.
import type { CouchRequest, CouchResponse } from '../../src/shared/couch';
import { actorOf, type Actor } from '../../src/shared/actor';
import { classify, type Intent } from '../../src/shared/classify';
import { errorResponse, failureResponse, jsonResponse, type Failure } from '../../src/shared/errors';
import { isObject } from '../../src/shared/equal';
import { changeVersions, registerForeign, setOwners, setStar } from '../../src/shared/manage';
import type { PackageDoc } from '../../src/shared/packument';
import { publish } from '../../src/shared/publish';
import { parseJsonBody, queryString } from '../../src/shared/request';
import { failureOf, handlerRefusal, NOT_LOGGED_IN, readOnlyVerdict } from '../../src/shared/rules';
import { base64Decode, integrity } from '../../src/shared/crypto/index';
import { settings, type DesignDoc } from '../lib/settings';

function digest(data: string) {
  const bytes = base64Decode(data);
  const sums = integrity(bytes);
  return { length: bytes.length, sha512: sums.sha512, sha1hex: sums.sha1hex };
}

type Outcome = { ok: true; doc: PackageDoc } | Failure;

function handle(intent: Intent, doc: PackageDoc | null, body: Record<string, unknown>, name: string, actor: Actor, now: string, ddoc: DesignDoc): Outcome {
  if (intent === 'publish') return publish(doc, body, name, actor, now, digest);
  if (intent === 'foreign') return registerForeign(doc, body, name, actor, now, { allowPrivate: settings(ddoc).allowPrivateForeignUrls });
  if (intent === 'owners') return setOwners(doc, body, name, actor, now);
  if (intent === 'star') return setStar(doc, body, name, actor);
  return changeVersions(doc, body, name, actor, now);
}

export default function (this: DesignDoc, doc: PackageDoc | null, req: CouchRequest): [PackageDoc | null, CouchResponse] {
  const name = queryString(req, 'pkg') || '';
  if (doc && doc._id !== name) return [null, errorResponse(400, 'The package in the URL does not match the document.')];
  const limit = settings(this).maxBodyBytes;
  if (typeof req.body === 'string' && req.body.length > limit) {
    return [null, errorResponse(413, 'The request is ' + Math.ceil(req.body.length / 1048576) + ' MB; this registry accepts at most ' + Math.floor(limit / 1048576) + ' MB per publish.')];
  }
  const actor = actorOf(req.userCtx);
  if (!actor.name) return [null, failureResponse(failureOf(NOT_LOGGED_IN))];
  const parsed = parseJsonBody(req);
  if (!parsed.ok || !isObject(parsed.value)) return [null, errorResponse(400, 'The request body is not a JSON object.')];
  const intent = classify(parsed.value);
  if (!intent) return [null, errorResponse(400, 'This registry does not understand that change to ' + name + '.')];
  const s = settings(this);
  const readOnly = readOnlyVerdict(doc, name, s.id);
  if (readOnly) return [null, failureResponse(failureOf(readOnly))];
  const r = handle(intent, doc, parsed.value, name, actor, new Date().toISOString(), this);
  if (!r.ok) return [null, failureResponse(r)];
  // Writing an unchanged document would only add a revision.
  if (r.doc === doc) return [null, jsonResponse(201, { ok: true, id: name, success: true })];
  r.doc.origin = s.id;
  const refused = handlerRefusal(r.doc, doc, req.userCtx, s);
  if (refused) return [null, failureResponse(refused)];
  return [r.doc, jsonResponse(201, { ok: true, id: name, success: true })];
}
