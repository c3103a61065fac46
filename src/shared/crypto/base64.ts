// Base64 (RFC 4648 §4) by hand, and base64url (§5) encoding for tokens: CouchDB's engines have no
// btoa/atob.
//
// Decoding is strict because its input comes from clients (a publish body's tarball): no
// whitespace (npm never sends any), no characters outside the alphabet, padding exactly where §4
// puts it, and the unused low bits of the last character must be zero. The last rule makes every
// byte string have one encoding.

const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_SAFE = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
const EQUALS = 61;

/** Thrown by base64Decode; the message names the offending offset. */
export class Base64Error extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'Base64Error';
  }
}

// Character code (0..255) → 6-bit value; 64 marks a character outside the alphabet, so one OR of
// four lookups tells whether a quad is valid.
function decodeTable(alphabet: string): number[] {
  const table: number[] = [];
  for (let c = 0; c < 256; c++) table.push(64);
  for (let i = 0; i < 64; i++) table[alphabet.charCodeAt(i)] = i;
  return table;
}

const STD_TABLE = decodeTable(STD);

function encodeWith(bytes: number[], alphabet: string, pad: boolean): string {
  const n = bytes.length;
  const full = n - (n % 3);
  const parts: string[] = [];
  let chunk = '';
  let i = 0;
  for (; i < full; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    chunk += alphabet.charAt(v >>> 18) + alphabet.charAt((v >>> 12) & 63) +
      alphabet.charAt((v >>> 6) & 63) + alphabet.charAt(v & 63);
    // QuickJS copies a string on every append, so long outputs are built from short pieces.
    if (chunk.length >= 4096) {
      parts.push(chunk);
      chunk = '';
    }
  }
  if (n - full === 1) {
    const v = bytes[i] << 16;
    chunk += alphabet.charAt(v >>> 18) + alphabet.charAt((v >>> 12) & 63) + (pad ? '==' : '');
  } else if (n - full === 2) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8);
    chunk += alphabet.charAt(v >>> 18) + alphabet.charAt((v >>> 12) & 63) +
      alphabet.charAt((v >>> 6) & 63) + (pad ? '=' : '');
  }
  parts.push(chunk);
  return parts.join('');
}

// Looks up one character; codes beyond the table count as outside the alphabet.
function sextet(table: number[], code: number): number {
  return code < 256 ? table[code] : 64;
}

function invalidAt(s: string, table: number[], from: number): Base64Error {
  let i = from;
  while (i < s.length && sextet(table, s.charCodeAt(i)) < 64) i++;
  return new Base64Error('invalid base64: unexpected character ' + JSON.stringify(s.charAt(i)) + ' at offset ' + i);
}

function decodeWith(s: string, table: number[]): number[] {
  let n = s.length;
  if (n % 4 !== 0) throw new Base64Error('invalid base64: length ' + n + ' is not a multiple of 4');
  if (n > 0 && s.charCodeAt(n - 1) === EQUALS) n -= s.charCodeAt(n - 2) === EQUALS ? 2 : 1;
  const full = n - (n % 4);
  // Sized up front: V8 (the embedded stand-in, tests) fills a preallocated array three times
  // faster; SpiderMonkey and QuickJS do not care, as long as it is filled in index order.
  const out: number[] = new Array(Math.floor((n * 3) / 4));
  let j = 0;
  let i = 0;
  for (; i < full; i += 4) {
    const c0 = s.charCodeAt(i);
    const c1 = s.charCodeAt(i + 1);
    const c2 = s.charCodeAt(i + 2);
    const c3 = s.charCodeAt(i + 3);
    // The first test keeps the lookups inside the table; the second finds non-alphabet characters.
    if ((c0 | c1 | c2 | c3) > 255) throw invalidAt(s, table, i);
    const a = table[c0];
    const b = table[c1];
    const c = table[c2];
    const d = table[c3];
    if ((a | b | c | d) > 63) throw invalidAt(s, table, i);
    // Writing in index order keeps the array dense (QuickJS turns a gap into a slow array).
    out[j++] = (a << 2) | (b >> 4);
    out[j++] = ((b << 4) | (c >> 2)) & 255;
    out[j++] = ((c << 6) | d) & 255;
  }
  const rest = n - full;
  if (rest > 0) {
    const a = sextet(table, s.charCodeAt(i));
    const b = sextet(table, s.charCodeAt(i + 1));
    const c = rest === 3 ? sextet(table, s.charCodeAt(i + 2)) : 0;
    if ((a | b | c) > 63) throw invalidAt(s, table, i);
    if ((rest === 2 ? b & 15 : c & 3) !== 0) {
      throw new Base64Error('invalid base64: non-zero padding bits at offset ' + (i + rest - 1));
    }
    out[j++] = (a << 2) | (b >> 4);
    if (rest === 3) out[j++] = ((b << 4) | (c >> 2)) & 255;
  }
  return out;
}

/** Standard base64 with "=" padding. */
export function base64Encode(bytes: number[]): string {
  return encodeWith(bytes, STD, true);
}

/** Strict standard base64: padding required, no whitespace; throws Base64Error otherwise. */
export function base64Decode(s: string): number[] {
  return decodeWith(s, STD_TABLE);
}

/** base64url without padding, as JWTs use it. */
export function base64UrlEncode(bytes: number[]): string {
  return encodeWith(bytes, URL_SAFE, false);
}
