// Hashing and encoding that runs inside CouchDB's JavaScript engines (SpiderMonkey 78, QuickJS):
// bytes are plain number[] of 0..255, with no typed arrays, BigInt, TextEncoder or btoa/atob.

export { utf8Encode, utf8Decode } from './utf8';
export { Base64Error, base64Encode, base64Decode, base64UrlEncode, base64UrlDecode } from './base64';
export { hex } from './hex';
export { md5 } from './md5';
export { sha1 } from './sha1';
export { sha256 } from './sha256';
export { sha512 } from './sha512';
export { hmacSha256, constantTimeEqual } from './hmac';
export { jwtSignHS256, jwtVerifyHS256 } from './jwt';
export type { JwtVerification } from './jwt';
export { integrity } from './integrity';
export type { Integrity } from './integrity';
