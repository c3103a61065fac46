// HS256 JSON Web Tokens (RFC 7519, JWS compact form of RFC 7515) for registry auth tokens.
// The registry only signs them: CouchDB verifies them (`[jwt_keys] hmac:_default`).

import { base64UrlEncode } from './base64';
import { hmacSha256 } from './hmac';
import { utf8Encode } from './utf8';

// Fixed, so every token the registry issues starts with the same first segment.
const HEADER = '{"alg":"HS256","typ":"JWT"}';

/** Signs claims as an HS256 JWT: base64url(header).base64url(JSON claims).base64url(HMAC). */
export function jwtSignHS256(claims: object, key: number[]): string {
  const signingInput = base64UrlEncode(utf8Encode(HEADER)) + '.' + base64UrlEncode(utf8Encode(JSON.stringify(claims)));
  return signingInput + '.' + base64UrlEncode(hmacSha256(key, utf8Encode(signingInput)));
}
