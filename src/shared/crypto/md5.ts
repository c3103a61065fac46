// MD5 (RFC 1321): CouchDB labels attachments with "md5-<base64>" digests, and comparing against
// them needs the same hash. Not for anything that must resist an attacker.

import { finalBlocks, zeros } from './padding';

// T[i] = floor(2^32 · |sin(i + 1)|), the RFC's table.
const T = [
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
  0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
  0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
  0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
  0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
  0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
  0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
  0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
].map(function (k) {
  return k | 0;
});

// Per-step left-rotation amounts, four per round.
const S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];

function compress(H: number[], X: number[], m: number[], p: number): void {
  for (let i = 0; i < 16; i++, p += 4) {
    X[i] = m[p] | (m[p + 1] << 8) | (m[p + 2] << 16) | (m[p + 3] << 24);
  }
  let a = H[0], b = H[1], c = H[2], d = H[3];
  // One loop per round, since each has its own function and message order.
  for (let i = 0; i < 16; i++) {
    const s = S[i & 3];
    const x = (a + ((b & c) | (~b & d)) + X[i] + T[i]) | 0;
    a = d;
    d = c;
    c = b;
    b = (b + ((x << s) | (x >>> (32 - s)))) | 0;
  }
  for (let i = 16; i < 32; i++) {
    const s = S[4 + (i & 3)];
    const x = (a + ((b & d) | (c & ~d)) + X[(5 * i + 1) & 15] + T[i]) | 0;
    a = d;
    d = c;
    c = b;
    b = (b + ((x << s) | (x >>> (32 - s)))) | 0;
  }
  for (let i = 32; i < 48; i++) {
    const s = S[8 + (i & 3)];
    const x = (a + (b ^ c ^ d) + X[(3 * i + 5) & 15] + T[i]) | 0;
    a = d;
    d = c;
    c = b;
    b = (b + ((x << s) | (x >>> (32 - s)))) | 0;
  }
  for (let i = 48; i < 64; i++) {
    const s = S[12 + (i & 3)];
    const x = (a + (c ^ (b | ~d)) + X[(7 * i) & 15] + T[i]) | 0;
    a = d;
    d = c;
    c = b;
    b = (b + ((x << s) | (x >>> (32 - s)))) | 0;
  }
  H[0] = (H[0] + a) | 0;
  H[1] = (H[1] + b) | 0;
  H[2] = (H[2] + c) | 0;
  H[3] = (H[3] + d) | 0;
}

/** MD5 digest (16 bytes) of bytes (each 0..255). */
export function md5(bytes: number[]): number[] {
  const H = [0x67452301, 0xefcdab89 | 0, 0x98badcfe | 0, 0x10325476];
  const X = zeros(16);
  const whole = bytes.length - (bytes.length % 64);
  for (let p = 0; p < whole; p += 64) compress(H, X, bytes, p);
  const tail = finalBlocks(bytes, 64, true);
  for (let p = 0; p < tail.length; p += 64) compress(H, X, tail, p);
  // MD5 emits its state little-endian.
  const out: number[] = [];
  for (let i = 0; i < 4; i++) {
    const w = H[i];
    out.push(w & 255, (w >>> 8) & 255, (w >>> 16) & 255, w >>> 24);
  }
  return out;
}
