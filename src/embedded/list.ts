// GET|POST /:db/_design/:ddoc/_list/:name/[:ddoc2/]:view. Ported from pouchdb-list, but the
// design doc and function are checked before the view runs: pouchdb-list left that promise
// unobserved, and a missing list function crashed the process (deviation C4, docs/stand-in.md).
import type { Response } from 'express';
import { CouchError, notFound } from './errors.js';
import { buildJsRequest, readBody } from './request.js';
import { render } from './show.js';
import { functionUserCtx } from './userctx.js';
import { loadDesignCall, requestParts, sendExternal, type ExternalResponse } from './design-call.js';
import type { CouchRequest } from './types.js';

interface ViewResult {
  offset?: number;
  total_rows?: number;
  rows: unknown[];
}

export async function handleList(req: CouchRequest, res: Response): Promise<void> {
  const call = await loadDesignCall(req, 'lists');
  if (call.rest.length < 1 || call.rest.length > 2) throw notFound();
  const [viewDdoc, viewName] = call.rest.length === 2 ? call.rest : [call.ddoc._id.slice('_design/'.length), call.rest[0]];
  const body = await readBody(req);
  const contentType = req.headers['content-type'];
  if (body !== 'undefined' && contentType && !/^application\/json/.test(contentType)) {
    throw new CouchError(400, 'bad_request', 'invalid_json');
  }
  // express-pouchdb already JSON-decoded the query values, which is what PouchDB's query wants
  const viewOpts: Record<string, unknown> = { ...(req.query as object) };
  if (req.method !== 'GET' && body !== 'undefined') Object.assign(viewOpts, parseJsonBody(body));
  const view: ViewResult = await call.db
    .query(`${viewDdoc}/${viewName}`, {
      ...viewOpts,
      // the wrappers check the caller may query this db (in _users: admins only)
      userCtx: functionUserCtx(call.userCtx, call.dbName),
      secObj: call.sec,
    })
    .catch((err: { status?: number }) => {
      throw err.status === 404 ? notFound('missing_named_view') : err;
    });
  const info = await call.db.info();
  const head = { offset: view.offset, total_rows: view.total_rows, update_seq: info.update_seq };
  const jsReq = await buildJsRequest(req, requestParts(call, null, body));

  const chunks: string[] = [];
  let started: Partial<ExternalResponse> | undefined;
  const listApi = {
    getRow: () => view.rows.shift() ?? null,
    start: (head: Partial<ExternalResponse>) => {
      if (!started) started = head ?? {};
    },
    send: (chunk: unknown) => {
      listApi.start({});
      chunks.push(String(chunk));
    },
  };
  const resp = render(call.source, call.ddoc, head, jsReq, listApi);
  if (started) {
    Object.assign(resp, started, { headers: { ...resp.headers, ...(started.headers ?? {}) } });
    resp.body = chunks.join('') + (resp.body ?? '');
  }
  sendExternal(req, res, resp);
}

function parseJsonBody(body: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
  } catch {
    throw new CouchError(400, 'bad_request', 'invalid_json');
  }
}
