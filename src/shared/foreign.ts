// Foreign packages, from the CommonJS registry design: a name registered here whose metadata
// lives elsewhere. PUT /NAME {"name","maintainers","url",…} registers one (registerForeign in
// manage.ts); GET /NAME redirects. This file says what such a request and its url may be.
import { isObject } from './equal';
import type { Maintainer } from './packument';

export function isForeignRequest(body: Record<string, unknown>): boolean {
  return typeof body.url === 'string' && body.versions === undefined && body._attachments === undefined;
}

const MAX_URL_LENGTH = 2048;

/**
 * The URL with every character beyond ASCII percent-encoded as UTF-8, as browsers and npm's URL
 * parser send it (`http://a.example/中` becomes `http://a.example/%E4%B8%AD`): the form that can
 * stand in a Location header. ASCII, `%` included, is left as it is.
 */
export function encodeNonAscii(url: string): string {
  return url.replace(/[\u0080-\uffff]+/g, function (run) {
    try {
      return encodeURIComponent(run);
    } catch {
      // A lone surrogate has no UTF-8 form: U+FFFD, as the URL standard writes it.
      return run.replace(/[\ud800-\udfff]/g, '\ufffd').replace(/[\u0080-\uffff]+/g, encodeURIComponent);
    }
  });
}

interface ParsedUrl {
  /** Lowercase, without brackets for IPv6, without a trailing dot. */
  host: string;
  ipv6: boolean;
}

function parseHttpUrl(url: string): ParsedUrl | string {
  const m = /^https?:\/\/([^/?#]*)/i.exec(url);
  if (!m) return 'A foreign package needs a url that starts with http:// or https://.';
  const authority = m[1];
  if (authority.indexOf('@') >= 0) return 'A foreign package url must not carry a user name or password.';
  let host: string;
  let port: string | undefined;
  let ipv6 = false;
  const v6 = /^\[([^\]]*)\](?::(\d*))?$/.exec(authority);
  if (v6) {
    host = v6[1];
    port = v6[2];
    ipv6 = true;
  } else {
    const parts = /^([^:]*)(?::(\d*))?$/.exec(authority);
    if (!parts) return 'The host of the url ' + url + ' is not valid.';
    host = parts[1];
    port = parts[2];
  }
  if (host === '') return 'The url ' + url + ' has no host.';
  if (port !== undefined && port !== '' && Number(port) > 65535) return 'The port of the url ' + url + ' is not a port number.';
  if (!ipv6 && host.indexOf('%') >= 0) return 'The host of a foreign package url must be written in ASCII (an international name in its xn-- form).';
  if (!ipv6 && !/^[A-Za-z0-9._-]+$/.test(host)) return 'The host of the url ' + url + ' is not valid.';
  if (ipv6 && !/^[0-9A-Fa-f:.]+$/.test(host)) return 'The IPv6 address of the url ' + url + ' is not valid.';
  host = host.toLowerCase();
  if (!ipv6 && host.length > 1 && host.charAt(host.length - 1) === '.') host = host.slice(0, -1);
  return { host: host, ipv6: ipv6 };
}

/** Why a url cannot be a foreign package's url (its form only), as a sentence, or null. */
export function urlProblem(url: unknown): string | null {
  if (typeof url !== 'string' || !/^https?:\/\//i.test(url)) return 'A foreign package needs a url that starts with http:// or https://.';
  if (url.length > MAX_URL_LENGTH) return 'A foreign package url is at most ' + MAX_URL_LENGTH + ' characters long.';
  const odd = /[^\x21-\x7e]/.exec(url);
  if (odd) {
    const code = odd[0].charCodeAt(0);
    if (code > 0x7f) return 'A foreign package url must be written in ASCII: try ' + encodeNonAscii(url) + '.';
    return 'A foreign package url cannot contain spaces or control characters.';
  }
  if (url.indexOf('\\') >= 0) return 'A foreign package url cannot contain a backslash.';
  const parsed = parseHttpUrl(url);
  return typeof parsed === 'string' ? parsed : null;
}

// IPv4 addresses as 32-bit numbers (without sign): [first, prefix length, what it is].
const IPV4_RANGES: Array<[number, number, number, number, number, string]> = [
  [0, 0, 0, 0, 8, 'an unspecified address'],
  [10, 0, 0, 0, 8, 'a private address'],
  [100, 64, 0, 0, 10, 'a private (shared) address'],
  [127, 0, 0, 0, 8, 'a loopback address'],
  [169, 254, 0, 0, 16, 'a link-local address'],
  [172, 16, 0, 0, 12, 'a private address'],
  [192, 0, 0, 0, 24, 'a reserved address'],
  [192, 168, 0, 0, 16, 'a private address'],
  [198, 18, 0, 0, 15, 'a reserved address'],
  [224, 0, 0, 0, 3, 'a multicast or reserved address'],
];

function ipv4Kind(n: number): string | null {
  for (const r of IPV4_RANGES) {
    const base = ((r[0] * 256 + r[1]) * 256 + r[2]) * 256 + r[3];
    const size = Math.pow(2, 32 - r[4]);
    if (n >= base && n < base + size) return r[5];
  }
  return null;
}

/**
 * A host as the URL standard reads an IPv4 address: one to four parts, each decimal, octal
 * (leading 0) or hex (0x), the last filling the remaining bytes (`127.1`, `0x7f000001`,
 * `2130706433`, `0177.0.0.1` are all 127.0.0.1). Null when the host is a name, NaN when it ends
 * in a number yet is no address (the URL standard refuses those).
 */
function parseIpv4(host: string): number | null {
  const labels = host.split('.');
  if (labels[labels.length - 1] === '' && labels.length > 1) labels.pop();
  const last = labels[labels.length - 1];
  if (!/^(\d+|0x[0-9a-f]*)$/.test(last)) return null;
  if (labels.length > 4) return NaN;
  const nums: number[] = [];
  for (const label of labels) {
    let n: number;
    if (/^0x[0-9a-f]*$/.test(label)) n = label.length === 2 ? 0 : parseInt(label.slice(2), 16);
    else if (/^0[0-7]+$/.test(label)) n = parseInt(label.slice(1), 8);
    else if (/^(0|[1-9]\d*)$/.test(label)) n = Number(label);
    else return NaN;
    nums.push(n);
  }
  for (let i = 0; i < nums.length - 1; i++) if (nums[i] > 255) return NaN;
  const lastMax = Math.pow(256, 5 - nums.length);
  if (nums[nums.length - 1] >= lastMax) return NaN;
  let value = 0;
  for (let i = 0; i < nums.length - 1; i++) value += nums[i] * Math.pow(256, 3 - i);
  return value + nums[nums.length - 1];
}

/** An IPv6 address as eight 16-bit groups, or null when it is not one. */
function parseIpv6(text: string): number[] | null {
  let s = text;
  const tail: number[] = [];
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted) {
    // An IPv4 address in the last 32 bits: "::ffff:127.0.0.1", "::127.0.0.1".
    const v4 = dotted[2].split('.').map(Number);
    for (const b of v4) if (b > 255) return null;
    tail.push(v4[0] * 256 + v4[1], v4[2] * 256 + v4[3]);
    s = dotted[1].slice(-2) === '::' ? dotted[1] : dotted[1].slice(0, -1);
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const groups = function (part: string): number[] | null {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-f]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  if (!head || !rest) return null;
  const known = head.length + rest.length + tail.length;
  if (halves.length === 1 && known !== 8) return null;
  if (halves.length === 2 && known > 7) return null;
  const zeros: number[] = [];
  for (let i = known; i < 8; i++) zeros.push(0);
  return head.concat(zeros, rest, tail);
}

function ipv6Kind(g: number[]): string | null {
  const v4 = g[6] * 65536 + g[7];
  let zeroPrefix = true;
  for (let i = 0; i < 6; i++) if (g[i] !== 0) zeroPrefix = false;
  if (zeroPrefix && g[6] === 0 && g[7] === 0) return 'an unspecified address';
  if (zeroPrefix && g[6] === 0 && g[7] === 1) return 'a loopback address';
  if (zeroPrefix) return ipv4Kind(v4) || 'an IPv4-compatible address';
  if (g[0] === 0 && g[1] === 0 && g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0xffff) return ipv4Kind(v4) || null;
  if (g[0] === 0x64 && g[1] === 0xff9b) return g[2] === 1 ? 'a private address' : (g[2] === 0 && g[3] === 0 && g[4] === 0 && g[5] === 0 ? ipv4Kind(v4) : null);
  if (g[0] === 0x2002) return ipv4Kind(g[1] * 65536 + g[2]);
  if (g[0] === 0x100 && g[1] === 0 && g[2] === 0 && g[3] === 0) return 'a reserved address';
  if ((g[0] & 0xfe00) === 0xfc00) return 'a private address';
  if ((g[0] & 0xffc0) === 0xfe80) return 'a link-local address';
  if ((g[0] & 0xffc0) === 0xfec0) return 'a private (site-local) address';
  if ((g[0] & 0xff00) === 0xff00) return 'a multicast address';
  return null;
}

const LOCAL_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa', '.localdomain'];

/**
 * Why a foreign package's url may not be used here because of where it points, or null. Clients
 * follow the redirect from wherever they run, so a url at a loopback, private, link-local or
 * unspecified address (or a name such as localhost) would send them to services on their own
 * machine or network. Names are not resolved: a public name that resolves to such an address is
 * not caught.
 */
export function urlAddressProblem(url: string): string | null {
  const parsed = parseHttpUrl(url);
  if (typeof parsed === 'string') return parsed;
  const host = parsed.host;
  const refuse = function (what: string): string {
    return 'The url ' + url + ' points at ' + what + ', which this registry does not send clients to; an administrator can allow such addresses (couch-registry setup --allow-private-foreign-urls).';
  };
  if (parsed.ipv6) {
    const groups = parseIpv6(host);
    if (!groups) return 'The IPv6 address of the url ' + url + ' is not valid.';
    const kind = ipv6Kind(groups);
    return kind ? refuse(kind) : null;
  }
  const v4 = parseIpv4(host);
  if (v4 !== null) {
    if (v4 !== v4) return 'The host of the url ' + url + ' ends in a number but is not an IPv4 address.';
    const kind = ipv4Kind(v4);
    return kind ? refuse(kind) : null;
  }
  if (host === 'localhost') return refuse('this machine (localhost)');
  for (const suffix of LOCAL_SUFFIXES) {
    if (host.length > suffix.length && host.slice(-suffix.length) === suffix) return refuse('a local name (' + suffix + ')');
  }
  if (host.indexOf('.') < 0) return refuse('a local name without a domain');
  return null;
}

/** Where GET of a foreign package redirects to: its url made safe for a header, or a sentence. */
export function foreignLocation(url: unknown, allowPrivate: boolean): { ok: true; location: string } | { ok: false; problem: string } {
  const location = encodeNonAscii(String(url)).replace(/[\x00-\x20\x7f]/g, function (c) {
    return '%' + (c.charCodeAt(0) < 16 ? '0' : '') + c.charCodeAt(0).toString(16).toUpperCase();
  });
  const problem = urlProblem(location) || (allowPrivate ? null : urlAddressProblem(location));
  if (problem) return { ok: false, problem: problem };
  return { ok: true, location: location };
}

/** Accepts [{"name":"alice"}] or ["alice"]; null when it is not a non-empty list of user names. */
export function maintainerList(v: unknown): Maintainer[] | null {
  if (Object.prototype.toString.call(v) !== '[object Array]') return null;
  const list = v as unknown[];
  if (list.length === 0) return null;
  const out: Maintainer[] = [];
  for (const m of list) {
    if (typeof m === 'string' && m !== '') out.push({ name: m });
    else if (isObject(m) && typeof m.name === 'string' && m.name !== '') {
      const entry: Maintainer = { name: m.name };
      if (typeof m.email === 'string') entry.email = m.email;
      out.push(entry);
    } else return null;
  }
  return out;
}
