// GET /:db/_design/:ddoc/_show/:name[/:docid] as chttpd_show:handle_doc_show does it: the doc
// is read as the caller may read it (so `_users` rules apply), the ETag covers design doc, doc,
// Accept and roles, and a matching If-None-Match is answered 304 before the function runs.
import type { Response } from 'express';
import { createRequire } from 'node:module';
import { notFound } from './errors.js';
import { etagMatches, showEtag } from './etag.js';
import { buildJsRequest, readBody } from './request.js';
import { readDocAs } from './users-db.js';
import { loadDesignCall, requestParts, sendExternal, type ExternalResponse } from './design-call.js';
import { configOf, type CouchDoc, type CouchRequest } from './types.js';

const require = createRequire(import.meta.url);
/** couchdb-render runs a show or list function, including `provides()` negotiation. */
export const render: (source: string, ddoc: CouchDoc, data: unknown, req: unknown, extra?: object) => ExternalResponse =
  require('couchdb-render');

export async function handleShow(req: CouchRequest, res: Response): Promise<void> {
  const call = await loadDesignCall(req, 'shows');
  const docId = call.rest.length ? call.rest.join('/') : null;
  const doc = docId === null ? null : await readDocAs(call.db, call.dbName, docId, call.userCtx, call.sec, configOf(req));
  const etag = showEtag({
    ddocRev: call.ddoc._rev,
    docRev: doc?._rev ?? null,
    accept: req.headers.accept ?? null,
    roles: call.userCtx.roles,
  });
  if (etagMatches(req.headers['if-none-match'], etag)) {
    res.status(304).setHeader('ETag', etag);
    res.end();
    return;
  }
  const body = await readBody(req);
  const jsReq = await buildJsRequest(req, requestParts(call, docId, body));
  let resp: ExternalResponse;
  try {
    resp = render(call.source, call.ddoc, doc, jsReq);
  } catch (err) {
    // couchjs reports any failure of a show on a missing document as that document's absence
    if (doc === null && docId !== null) throw notFound('document not found');
    throw err;
  }
  sendExternal(req, res, { ...resp, headers: mergedHeaders(showHeaders(resp.headers, etag)) });
}

/**
 * chttpd_show:apply_etag: CouchDB, not the function, controls a show's `ETag` and `Vary`. It
 * sets `Vary: Accept` ahead of the function's headers and its ETag, replacing headers of exactly
 * those names; a `vary` spelled otherwise survives, and the HTTP layer then merges it.
 */
function showHeaders(own: Record<string, string> | undefined, etag: string): Array<[string, string]> {
  const kept = Object.entries(own ?? {}).filter(([name]) => name !== 'ETag' && name !== 'Vary');
  return [['Vary', 'Accept'], ...kept, ['ETag', etag]];
}

/** mochiweb_headers:from_list: header names of any case are one header, values joined by ", ". */
function mergedHeaders(headers: Array<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  const first: Record<string, string> = {};
  for (const [name, value] of headers) {
    const key = first[name.toLowerCase()];
    if (key === undefined) {
      first[name.toLowerCase()] = name;
      out[name] = String(value);
    } else {
      out[key] = out[key] + ', ' + String(value);
    }
  }
  return out;
}
