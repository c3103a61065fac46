// Array-form `_rewrite` rules, ported from CouchDB 3.4.3's chttpd_rewrite.erl so the embedded
// server dispatches exactly like CouchDB: every `:binding` (and every query parameter of the
// request) is appended to the target's query string, `*` appends the unmatched segments, and
// `to` may climb out of the database with `..` when `secure_rewrites` is off.
import { CouchError, notFound } from './errors.js';

type Value = unknown;
/** Bindings are an ordered list that may repeat keys, like the Erlang proplists. */
type Bindings = Array<[string, Value]>;

interface Rule {
  method: string;
  from: Segment[];
  to: Segment[];
  query: Array<[string, Value]>;
  formats: Record<string, string>;
}
type Segment = { bind: string } | { literal: string };

const MATCH_ALL = '*';
const JSON_QUERY_KEYS = ['key', 'startkey', 'start_key', 'endkey', 'end_key', 'keys'];

export interface RewriteInput {
  method: string;
  /** decoded path segments after `_rewrite/` */
  pathParts: string[];
  /** the request's query string pairs, decoded, in order */
  query: Array<[string, string]>;
  /** "/db/_design/name", URL-encoded */
  prefix: string;
  secureRewrites: boolean;
}

function parsePath(path: string, secure: boolean): Segment[] {
  const out: Segment[] = [];
  let dotdots = 0;
  for (const part of path.split('/')) {
    if (part === '') continue;
    if (part === '..') {
      if (dotdots === 2 && secure) throw new CouchError(500, 'insecure_rewrite_rule', 'too many ../.. segments');
      dotdots += 1;
      out.push({ literal: part });
    } else if (part === MATCH_ALL) out.push({ bind: MATCH_ALL });
    else if (part.startsWith(':')) out.push({ bind: part.slice(1) });
    else out.push({ literal: part });
  }
  return out;
}

function makeRule(raw: unknown, secure: boolean): Rule {
  const r = (raw ?? {}) as Record<string, unknown>;
  if (r.to === undefined) throw new CouchError(500, 'error', 'invalid_rewrite_target');
  const query = r.query && typeof r.query === 'object' ? Object.entries(r.query as object) : [];
  return {
    method: typeof r.method === 'string' ? r.method : MATCH_ALL,
    from: r.from === undefined ? [{ bind: MATCH_ALL }] : parsePath(String(r.from), secure),
    to: parsePath(String(r.to), secure),
    query,
    formats: (r.formats && typeof r.formats === 'object' ? r.formats : {}) as Record<string, string>,
  };
}

const lookup = (b: Bindings, key: string) => b.find(([k]) => k === key);

/** bind_path: `{remaining, bindings}` when the rule's `from` matches, else null. */
function bindPath(from: Segment[], parts: string[], bindings: Bindings): { remaining: string[]; bindings: Bindings } | null {
  if (from.length === 0 && parts.length === 0) return { remaining: [], bindings };
  if (from.length === 1 && 'bind' in from[0] && from[0].bind === MATCH_ALL) return { remaining: parts, bindings };
  if (parts.length === 0 || from.length === 0) return null;
  const [head, ...rest] = from;
  if ('bind' in head) return bindPath(rest, parts.slice(1), [[head.bind, parts[0]], ...bindings]);
  return head.literal === parts[0] ? bindPath(rest, parts.slice(1), bindings) : null;
}

function format(fmt: string | undefined, value: Value): Value {
  if (fmt === 'int' && typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  if (fmt === 'bool' && typeof value === 'string' && /^(true|false)$/i.test(value)) return value.toLowerCase() === 'true';
  return value;
}

function replaceVar(value: Value, bindings: Bindings, formats: Record<string, string>): Value {
  const one = (v: string): Value => {
    const name = v === MATCH_ALL ? v : v.startsWith(':') ? v.slice(1) : null;
    if (name === null) return v;
    return format(formats[name], lookup(bindings, name)?.[1] ?? v);
  };
  if (typeof value === 'string') return one(value);
  if (Array.isArray(value)) return value.map((v) => (typeof v === 'string' && v.startsWith(':') ? one(v) : v));
  return value;
}

const asText = (v: Value) => (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** mochiweb_util:quote_plus, except that a space becomes %20 (express does not decode "+"). */
export function quote(text: string): string {
  let out = '';
  for (const byte of Buffer.from(text, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9._~-]/.test(c) ? c : '%' + byte.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** normalize_path: resolve "." and ".." (a ".." above the root is kept). */
function normalize(path: string): string {
  const acc: string[] = [];
  for (const seg of path.split('/').filter(Boolean)) {
    if (seg === '.') continue;
    if (seg === '..' && acc.length && acc[acc.length - 1] !== '..') acc.pop();
    else acc.push(seg);
  }
  return '/' + acc.join('/');
}

/** The raw URL (path and query) an array of rewrite rules sends this request to. */
export function rewriteArray(rules: unknown[], input: RewriteInput): string {
  const dispatch = rules.map((r) => makeRule(r, input.secureRewrites));
  const queryList: Bindings = input.query.map(([k, v]) => [k, JSON_QUERY_KEYS.includes(k) ? parseJson(v) : v]);
  // CouchDB aliases HEAD to GET before rules are matched
  const method = input.method === 'HEAD' ? 'GET' : input.method;
  for (const rule of dispatch) {
    if (rule.method !== MATCH_ALL && rule.method !== method) continue;
    const bound = bindPath(rule.from, input.pathParts, []);
    if (!bound) continue;
    const bindings1: Bindings = [...bound.bindings, ...queryList];
    const queryArgs: Bindings = rule.query
      .map(([k, v]): [string, Value] => [k, replaceVar(v, bindings1, rule.formats)])
      .reverse();
    const final: Bindings = [...bindings1.filter(([k]) => !lookup(queryArgs, k)), ...queryArgs];
    const path: string[] = [];
    for (const seg of rule.to) {
      if ('bind' in seg && seg.bind === MATCH_ALL) {
        path.push(...bound.remaining);
        break;
      }
      path.push('bind' in seg ? asText(lookup(final, seg.bind)?.[1] ?? 'undefined') : seg.literal);
    }
    const qs = final
      .filter(([k]) => k !== MATCH_ALL)
      .reverse()
      .map(([k, v]) => `${quote(k)}=${quote(JSON_QUERY_KEYS.includes(k) ? JSON.stringify(v) : asText(v))}`)
      .join('&');
    const target = path.map(quote).join('/') + (qs ? `?${qs}` : '');
    return normalize(`${input.prefix}/${target}`);
  }
  throw notFound();
}

function parseJson(text: string): Value {
  try {
    return JSON.parse(text);
  } catch {
    throw new CouchError(400, 'bad_request', `invalid JSON in query parameter: ${text}`);
  }
}
