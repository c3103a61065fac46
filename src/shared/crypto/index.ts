// Hashing and encoding that runs inside CouchDB's JavaScript engines (SpiderMonkey 78, QuickJS):
// bytes are plain number[] of 0..255, with no typed arrays, BigInt, TextEncoder or btoa/atob.

export { utf8Encode } from './utf8';
export { Base64Error, base64Encode, base64Decode, base64UrlEncode } from './base64';
export { hex } from './hex';
export { sha1 } from './sha1';
export { sha256 } from './sha256';
export { sha512 } from './sha512';
export { hmacSha256 } from './hmac';
export { jwtSignHS256 } from './jwt';
export { integrity } from './integrity';
export type { Integrity } from './integrity';
