// The one way the Node side talks to CouchDB: nano underneath, errors turned into sentences that
// name the cause and the fix. Credentials never appear in messages.
import Nano from 'nano';

export class CouchError extends Error {
  constructor(message: string, readonly status?: number, readonly body?: unknown) {
    super(message);
    this.name = 'CouchError';
  }
}

export interface CouchTarget {
  /** The server URL with credentials, e.g. http://admin:pw@127.0.0.1:5984 */
  url: URL;
  /** The same without credentials, with no trailing slash: safe to print. */
  origin: string;
}

export function parseCouchUrl(raw: string): CouchTarget {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CouchError('--couch must be a URL like http://ADMIN:PASSWORD@127.0.0.1:5984, not ' + JSON.stringify(redact(raw)) + '.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new CouchError('--couch must be an http:// or https:// URL.');
  const clean = new URL(url.href);
  clean.username = '';
  clean.password = '';
  return { url, origin: clean.href.replace(/\/+$/, '') };
}

function redact(s: string): string {
  return s.replace(/\/\/[^@/]*@/, '//***@');
}

export class Couch {
  readonly target: CouchTarget;
  private readonly nano: Nano.ServerScope;

  constructor(url: string) {
    this.target = parseCouchUrl(url);
    this.nano = Nano({ url: this.target.url.href.replace(/\/+$/, '') });
  }

  /** A request relative to the server root; resolves to the parsed body, or null for a 404 when allowed. */
  async request<T = any>(method: string, path: string, body?: unknown, opts: { allow404?: boolean; qs?: Record<string, unknown>; headers?: Record<string, string>; signal?: AbortSignal } = {}): Promise<T> {
    try {
      // nano hands `signal` to fetch; its typings do not list it
      const req: Nano.RequestOptions & { signal?: AbortSignal } = { method, path, body, qs: opts.qs, headers: opts.headers, signal: opts.signal };
      return await this.nano.request(req) as T;
    } catch (e) {
      const err = e as { statusCode?: number; code?: string; cause?: { code?: string }; error?: string; reason?: string; description?: string; message?: string };
      if (err.statusCode === 404 && opts.allow404) return null as T;
      throw this.explain(method, path, err);
    }
  }

  private explain(method: string, path: string, err: { statusCode?: number; code?: string; cause?: { code?: string }; error?: string; reason?: string; message?: string }): CouchError {
    const where = this.target.origin;
    const text = String(err.message || '');
    const code = err.code || (err.cause && err.cause.code) || (/\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ECONNRESET|ETIMEDOUT)\b/.exec(text) || [])[1];
    if (!err.statusCode) {
      if (code === 'ECONNREFUSED') return new CouchError('Cannot reach CouchDB at ' + where + ': connection refused. Is it running, and is the port right?');
      if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new CouchError('Cannot reach CouchDB at ' + where + ': the host name does not resolve.');
      return new CouchError('Cannot reach CouchDB at ' + where + ': ' + (code || text || 'no answer') + '.');
    }
    if (err.statusCode === 401) {
      return new CouchError('CouchDB at ' + where + ' refused the credentials in --couch (401 ' + (err.reason || 'unauthorized') + '). Check the admin name and password.', 401);
    }
    return new CouchError(method + ' ' + path + ' failed on ' + where + ': ' + err.statusCode + ' ' + (err.error || '') + (err.reason ? ' (' + err.reason + ')' : ''), err.statusCode, err);
  }

  async config(node: string, section: string, key: string): Promise<string | null> {
    return this.request('GET', '_node/' + encodeURIComponent(node) + '/_config/' + encodeURIComponent(section) + '/' + encodeURIComponent(key), undefined, { allow404: true });
  }

  async setConfig(node: string, section: string, key: string, value: string): Promise<void> {
    await this.request('PUT', '_node/' + encodeURIComponent(node) + '/_config/' + encodeURIComponent(section) + '/' + encodeURIComponent(key), value);
  }
}
