// One error shape for every handler. npm prints only the `error` field of a 4xx body, so it
// carries the human sentence; `reason` keeps CouchDB's machine word for other clients.
import type { CouchResponse } from './couch';

export interface Failure {
  ok: false;
  status: number;
  error: string;
  reason: string;
}

const REASONS: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'too_large',
  415: 'bad_content_type',
  422: 'invalid',
};

export function fail(status: number, sentence: string): Failure {
  return { ok: false, status: status, error: sentence, reason: REASONS[status] || 'error' };
}

export function failureResponse(f: Failure): CouchResponse {
  return {
    code: f.status,
    headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' },
    body: JSON.stringify({ error: f.error, reason: f.reason }),
  };
}

export function errorResponse(status: number, sentence: string): CouchResponse {
  return failureResponse(fail(status, sentence));
}

export function jsonResponse(status: number, value: unknown, headers?: Record<string, string>): CouchResponse {
  const h: Record<string, string> = { 'Content-Type': 'application/json' };
  if (headers) {
    for (const k of Object.keys(headers)) h[k] = headers[k];
  }
  return { code: status, headers: h, body: JSON.stringify(value) };
}
