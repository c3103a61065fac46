// POST|PUT /:db/_design/:ddoc/_update/:name[/:docid] as chttpd_show:send_doc_update_response
// does it. The document the function returns is saved with the caller's userCtx, so every
// validate_doc_update sees who really asked (deviation C1, docs/stand-in.md: express-pouchdb
// saved it as _admin).
import type { Response } from 'express';
import { createRequire } from 'node:module';
import { CouchError, functionError } from './errors.js';
import { buildJsRequest, readBody } from './request.js';
import { readDocAs } from './users-db.js';
import { functionUserCtx } from './userctx.js';
import { completeResponse, isPlainObject, loadDesignCall, requestParts, sendExternal, type DesignCall } from './design-call.js';
import { configOf, type CouchDoc, type CouchRequest } from './types.js';

const require = createRequire(import.meta.url);
const coucheval: { evaluate(ddoc: CouchDoc, vars: object, source: string): (...args: unknown[]) => unknown } =
  require('couchdb-eval');

export async function handleUpdate(req: CouchRequest, res: Response): Promise<void> {
  const call = await loadDesignCall(req, 'updates');
  if (req.method === 'GET' || req.method === 'HEAD') {
    throw new CouchError(405, 'method_not_allowed', 'Update functions do not allow GET');
  }
  const docId = call.rest.length ? call.rest.join('/') : null;
  const doc = docId === null ? null : await readDocAs(call.db, call.dbName, docId, call.userCtx, call.sec, configOf(req));
  const body = await readBody(req);
  const jsReq = await buildJsRequest(req, requestParts(call, docId, body));

  const fn = coucheval.evaluate(call.ddoc, {}, call.source);
  let result: unknown;
  try {
    result = fn.call(call.ddoc, doc, jsReq);
  } catch (err) {
    throw functionError(err);
  }
  if (!Array.isArray(result) || !(typeof result[1] === 'string' || isPlainObject(result[1]))) {
    throw new CouchError(500, 'render_error', 'undefined response from update function');
  }
  const [newDoc, answer] = result as [unknown, unknown];
  // the function's own status wins over the 201/200 default, as in parse_external_response
  const ownCode = isPlainObject(answer) && typeof answer.code === 'number' ? answer.code : undefined;
  const ownVary = isPlainObject(answer) && isPlainObject(answer.headers) && 'Vary' in answer.headers;
  const resp = completeResponse(answer);
  // the completer adds shows' `Vary: Accept`; CouchDB's update responses have none
  if (!ownVary) delete resp.headers.Vary;
  let extra: Record<string, string> = {};
  if (newDoc === null || newDoc === undefined) {
    resp.code = ownCode ?? 200;
  } else {
    const saved = await save(call, newDoc);
    extra = { 'X-Couch-Update-NewRev': saved.rev, 'X-Couch-Id': urlEncode(saved.id) };
    resp.code = ownCode ?? 201;
  }
  sendExternal(req, res, resp, extra);
}

/** couch_util:url_encode keeps letters, digits and `_.-:`. */
function urlEncode(id: string): string {
  return [...Buffer.from(id, 'utf8')]
    .map((b) => (/[A-Za-z0-9_.:-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : '%' + b.toString(16).toUpperCase().padStart(2, '0')))
    .join('');
}

async function save(call: DesignCall, newDoc: unknown) {
  if (!isPlainObject(newDoc)) throw new CouchError(400, 'bad_request', 'Document must be a JSON object');
  if (typeof newDoc._id !== 'string' || newDoc._id === '') {
    throw new CouchError(400, 'illegal_docid', 'Document id must not be empty');
  }
  return call.db.put(newDoc as CouchDoc, { userCtx: functionUserCtx(call.userCtx, call.dbName), secObj: call.sec });
}
