// What shows, lists and updates share: finding the function in its design doc, who is calling,
// and sending the function's response the way chttpd_external:send_external_response does.
import type { NextFunction, Request, Response } from 'express';
import { createRequire } from 'node:module';
import { CouchError, notFound, sendCouchError } from './errors.js';
import { pathParts, type JsRequestParts } from './request.js';
import { userCtxOf } from './userctx.js';
import { configOf, type CouchDoc, type CouchRequest, type PouchDatabase, type SecurityObject, type UserCtx } from './types.js';

const require = createRequire(import.meta.url);
/** couchdb-resp-completer: string/{code, json, body, base64, headers} to a full response. */
export const completeResponse: (resp: unknown, contentType?: string) => ExternalResponse = require('couchdb-resp-completer');

export interface ExternalResponse {
  code: number;
  headers: Record<string, string>;
  body?: string;
  base64?: string;
  json?: unknown;
}

export interface DesignCall {
  db: PouchDatabase;
  dbName: string;
  ddoc: CouchDoc;
  source: string;
  /** path segments after the function name: a doc id, or a list's view */
  rest: string[];
  userCtx: UserCtx;
  sec: SecurityObject;
}

type Kind = 'shows' | 'lists' | 'updates';

export async function loadDesignCall(req: CouchRequest, kind: Kind): Promise<DesignCall> {
  const [dbName, , ddocName, , funcName, ...rest] = pathParts(req.url);
  const db = req.db as PouchDatabase;
  let ddoc: CouchDoc;
  try {
    // read as the server: a design doc in _users is closed to the caller, its functions are not
    ddoc = await db.get(`_design/${ddocName}`);
  } catch (err) {
    if ((err as { status?: number }).status === 404) throw notFound();
    throw err;
  }
  const functions = ddoc[kind] as Record<string, unknown> | undefined;
  // couch_util:get_nested_json_value's wording
  if (!functions) throw notFound(`missing json key: ${kind}`);
  const source = functions[funcName];
  if (typeof source !== 'string') throw notFound(`missing json key: ${funcName}`);
  const sec = req.couchSecurityObj ?? (await db.getSecurity());
  return { db, dbName, ddoc, source, rest, userCtx: userCtxOf(req), sec };
}

/** Routes `/:db/_design/:ddoc/<segment>/...` to `handler`, everything else onwards. */
export function designRoute(segment: string, handler: (req: CouchRequest, res: Response) => Promise<void>) {
  return (req: Request, res: Response, next: NextFunction) => {
    let parts: string[];
    try {
      parts = pathParts(req.url);
    } catch (err) {
      sendCouchError(req, res, err);
      return;
    }
    if (parts.length < 5 || parts[1] !== '_design' || parts[3] !== segment) {
      next();
      return;
    }
    handler(req as CouchRequest, res).catch((err) => sendCouchError(req, res, err));
  };
}

/**
 * Sends a completed function response. Non-JSON responses get CouchDB's
 * `Content-Security-Policy` first (`[csp] showlist_*`), ahead of any the function set.
 */
export function sendExternal(req: Request, res: Response, resp: ExternalResponse, extra: Record<string, string> = {}) {
  const headers: Record<string, string | string[]> = { ...resp.headers, ...extra };
  const ours = resp.json === undefined ? configOf(req).csp('showlist') : undefined;
  if (ours !== undefined) {
    const own = Object.keys(headers).find((h) => h.toLowerCase() === 'content-security-policy');
    const theirs = own === undefined ? [] : [String(headers[own])];
    if (own !== undefined) delete headers[own];
    headers['Content-Security-Policy'] = [ours, ...theirs];
  }
  if (!Number.isInteger(resp.code) || resp.code < 100 || resp.code > 599) {
    throw new CouchError(500, 'external_response_error', `Invalid status code: ${String(resp.code)}`);
  }
  res.status(resp.code);
  for (const [name, value] of Object.entries(headers)) {
    res.setHeader(name, Array.isArray(value) ? value : String(value));
  }
  // res.end, not res.send: express would add its own ETag and 304 logic
  res.end(resp.base64 !== undefined ? Buffer.from(resp.base64, 'base64') : Buffer.from(resp.body ?? '', 'utf8'));
}

/** The parts of a design call that go into the request object the function sees. */
export function requestParts(call: DesignCall, docId: string | null, body: string): JsRequestParts {
  return { db: call.db, dbName: call.dbName, docId, userCtx: call.userCtx, secObj: call.sec, body };
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return Object.prototype.toString.call(value) === '[object Object]';
}
