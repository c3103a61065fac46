// HS256 JSON Web Tokens (RFC 7519, JWS compact form of RFC 7515) for registry auth tokens.
// Only HS256 is accepted: a verifier that trusts the header's "alg" can be talked into "none".

import { base64UrlDecode, base64UrlEncode } from './base64';
import { constantTimeEqual, hmacSha256 } from './hmac';
import { utf8Decode, utf8Encode } from './utf8';

// Fixed, so every token the registry issues starts with the same first segment.
const HEADER = '{"alg":"HS256","typ":"JWT"}';

export type JwtVerification = { ok: true; claims: any } | { ok: false; reason: string };

/** Signs claims as an HS256 JWT: base64url(header).base64url(JSON claims).base64url(HMAC). */
export function jwtSignHS256(claims: object, key: number[]): string {
  const signingInput = base64UrlEncode(utf8Encode(HEADER)) + '.' + base64UrlEncode(utf8Encode(JSON.stringify(claims)));
  return signingInput + '.' + base64UrlEncode(hmacSha256(key, utf8Encode(signingInput)));
}

function refuse(reason: string): JwtVerification {
  return { ok: false, reason: reason };
}

// Decodes one segment to a JSON object; undefined when it is not base64url, UTF-8 JSON, or an object.
function decodeSegment(segment: string): Record<string, unknown> | undefined {
  let value: unknown;
  try {
    value = JSON.parse(utf8Decode(base64UrlDecode(segment)));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  return value as Record<string, unknown>;
}

/**
 * Verifies an HS256 JWT at time nowSeconds (seconds since the epoch, passed in so the check is
 * pure). The signature is checked before the claims are read; `exp` must lie after now and
 * `nbf` must not lie after now, when present. No clock-skew allowance: give it through nowSeconds.
 */
export function jwtVerifyHS256(token: string, key: number[], nowSeconds: number): JwtVerification {
  if (typeof token !== 'string') return refuse('token is not a string');
  const parts = token.split('.');
  if (parts.length !== 3) return refuse('malformed token: expected three dot-separated parts');
  const header = decodeSegment(parts[0]);
  if (header === undefined) return refuse('malformed token: header is not a base64url JSON object');
  if (header.alg !== 'HS256') return refuse('unsupported algorithm ' + JSON.stringify(header.alg) + ', expected "HS256"');
  // RFC 7515 §4.1.11: extensions we do not understand, marked critical, must make us refuse.
  if (header.crit !== undefined) return refuse('unsupported critical header parameters');

  let signature: number[];
  try {
    signature = base64UrlDecode(parts[2]);
  } catch {
    return refuse('malformed token: signature is not base64url');
  }
  const expected = hmacSha256(key, utf8Encode(parts[0] + '.' + parts[1]));
  if (!constantTimeEqual(signature, expected)) return refuse('invalid signature');

  const claims = decodeSegment(parts[1]);
  if (claims === undefined) return refuse('malformed token: payload is not a base64url JSON object');
  if (claims.exp !== undefined) {
    if (typeof claims.exp !== 'number') return refuse('exp claim is not a number');
    if (!(nowSeconds < claims.exp)) return refuse('token expired');
  }
  if (claims.nbf !== undefined) {
    if (typeof claims.nbf !== 'number') return refuse('nbf claim is not a number');
    if (nowSeconds < claims.nbf) return refuse('token not yet valid (nbf)');
  }
  return { ok: true, claims: claims };
}
