// Types of what CouchDB hands to design-document functions and expects back.
// Type-only: shared by couchapp/ (runs in CouchDB) and the Node side (tests, embedded server).

export interface UserCtx {
  db?: string;
  name: string | null;
  roles: string[];
}

export interface CouchRequest {
  method: string;
  /** Path segments of the request after rewriting, e.g. ["registry","_design","app","_show","package","foo"]. */
  path: string[];
  /** Path segments as the client sent them; CouchDB glues the query string to the last one. */
  requested_path: string[];
  /** Header names keep the case the client sent: look them up with header(). */
  headers: Record<string, string>;
  /** Values are strings on CouchDB (the embedded stand-in may parse them): always String() them. */
  query: Record<string, unknown>;
  body: string;
  id: string | null;
  userCtx: UserCtx;
  form?: Record<string, string>;
  peer?: string;
  secObj?: unknown;
  uuid?: string;
}

export interface CouchResponse {
  code?: number;
  headers?: Record<string, string>;
  body?: string;
  json?: unknown;
  base64?: string;
}

export interface Attachment {
  content_type?: string;
  data?: string;
  length?: number;
  digest?: string;
  stub?: boolean;
  revpos?: number;
}

export interface CouchDoc {
  _id: string;
  _rev?: string;
  _deleted?: boolean;
  _attachments?: Record<string, Attachment>;
  [key: string]: unknown;
}
