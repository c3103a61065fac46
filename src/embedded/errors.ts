// One error shape for the embedded server: CouchDB's {"error", "reason"} with its HTTP status,
// always sent as application/json (CouchDB 3 never answers JSON as text/plain).
import type { Request, Response } from 'express';
import type { UserCtx } from './types.js';

export class CouchError extends Error {
  // `name` doubles as the CouchDB error code so express-pouchdb's own sendError, which
  // reads {status, name, message}, renders a CouchError exactly as we do.
  constructor(
    readonly status: number,
    readonly error: string,
    readonly reason: string,
  ) {
    super(reason);
    this.name = error;
  }
}

export const notFound = (reason = 'missing') => new CouchError(404, 'not_found', reason);

/** CouchDB answers an anonymous caller 401 and a logged-in one 403 for the same denial. */
export function denial(userCtx: UserCtx, reason: string, anonymousReason = reason): CouchError {
  return userCtx.name === null
    ? new CouchError(401, 'unauthorized', anonymousReason)
    : new CouchError(403, 'forbidden', reason);
}

/** Whatever PouchDB, an express-pouchdb plugin or our code threw, in CouchDB's shape. */
export function toCouchError(err: unknown): CouchError {
  if (err instanceof CouchError) return err;
  if (err && typeof err === 'object') {
    const e = err as { status?: unknown; name?: unknown; message?: unknown; reason?: unknown };
    const status = typeof e.status === 'number' ? e.status : 500;
    const generic = e.name === undefined || e.name === 'Error' || e.name === 'TypeError';
    const error = generic ? (status === 500 ? 'unknown_error' : 'bad_request') : String(e.name);
    const reason = typeof e.reason === 'string' ? e.reason : String(e.message ?? '');
    return new CouchError(status, error, reason);
  }
  return new CouchError(500, 'unknown_error', String(err));
}

// Messages of express-pouchdb's security plugins, which answer every denial with 401.
const MEMBER_DENIAL = 'You are not authorized to access this db.';
const SYSTEM_DB_DENIAL = /^Only admins can access /;

/**
 * Re-labels express-pouchdb's blanket 401s the way CouchDB words them: a logged-in user gets
 * 403, and a non-admin write to a design document is "not a db or server admin".
 */
export function couchDenial(req: Request, userCtx: UserCtx, err: CouchError): CouchError {
  if (err.status !== 401 || err.error !== 'unauthorized') return err;
  const isWrite = !['GET', 'HEAD'].includes(req.method);
  if (err.reason === MEMBER_DENIAL) {
    if (isWrite && /\/_design(\/|%2f)/i.test(req.url)) return denial(userCtx, 'You are not a db or server admin.');
    return denial(userCtx, 'You are not allowed to access this db.', MEMBER_DENIAL);
  }
  if (SYSTEM_DB_DENIAL.test(err.reason)) return denial(userCtx, err.reason);
  return err;
}

export function sendJson(res: Response, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.status(status);
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.setHeader('Content-Type', 'application/json');
  // a Buffer keeps express from appending "; charset=utf-8" to the content type
  res.send(Buffer.from(JSON.stringify(body) + '\n', 'utf8'));
}

export function sendCouchError(req: Request, res: Response, err: unknown): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const session = (req as { couchSession?: { userCtx?: UserCtx } }).couchSession;
  const userCtx: UserCtx = session?.userCtx ?? { name: null, roles: [] };
  const e = couchDenial(req, userCtx, toCouchError(err));
  sendJson(res, e.status, { error: e.error, reason: e.reason });
}

/**
 * What a show, list or update function threw, as CouchDB reports it (deviation C5, docs/stand-in.md): `{forbidden}`
 * is 403, `{unauthorized}` 401, `{error, reason}` keeps its code; anything else is a 500
 * render_error without the stack trace express-pouchdb used to send to the client.
 */
export function functionError(thrown: unknown): CouchError {
  if (thrown instanceof CouchError) return thrown;
  if (thrown && typeof thrown === 'object' && !(thrown instanceof Error)) {
    const t = thrown as Record<string, unknown>;
    if (t.forbidden !== undefined) return new CouchError(403, 'forbidden', String(t.forbidden));
    if (t.unauthorized !== undefined) return new CouchError(401, 'unauthorized', String(t.unauthorized));
    if (typeof t.status === 'number' && typeof t.name === 'string') return toCouchError(t);
    if (t.error !== undefined && t.reason !== undefined) return new CouchError(500, String(t.error), String(t.reason));
    if (Array.isArray(thrown) && thrown[0] === 'error') return new CouchError(500, String(thrown[1]), String(thrown[2]));
  }
  const text = thrown instanceof Error ? `${thrown.name}: ${thrown.message}` : safeJson(thrown);
  return new CouchError(500, 'render_error', `function raised error: ${text}`);
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
