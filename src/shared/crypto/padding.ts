// Merkle–Damgård padding shared by sha1, sha256 and sha512.

/**
 * The final block(s) of a Merkle–Damgård hash: the bytes after the last full block, 0x80, zeros,
 * then the message length in bits in blockSize / 8 bytes. Only this tail is copied; full blocks
 * are hashed straight from the input, so a multi-megabyte tarball is never duplicated.
 */
export function finalBlocks(bytes: number[], blockSize: number, littleEndian: boolean): number[] {
  const n = bytes.length;
  const tail: number[] = [];
  for (let i = n - (n % blockSize); i < n; i++) tail.push(bytes[i]);
  tail.push(0x80);
  const lengthBytes = blockSize / 8;
  const total = tail.length + lengthBytes <= blockSize ? blockSize : 2 * blockSize;
  while (tail.length < total - 8) tail.push(0);
  // The bit count n * 8 as two 32-bit halves; exact while n < 2^50, far beyond any array.
  const lo = (n * 8) >>> 0;
  const hi = Math.floor(n / 0x20000000) >>> 0;
  if (littleEndian) {
    tail.push(lo & 255, (lo >>> 8) & 255, (lo >>> 16) & 255, lo >>> 24);
    tail.push(hi & 255, (hi >>> 8) & 255, (hi >>> 16) & 255, hi >>> 24);
  } else {
    tail.push(hi >>> 24, (hi >>> 16) & 255, (hi >>> 8) & 255, hi & 255);
    tail.push(lo >>> 24, (lo >>> 16) & 255, (lo >>> 8) & 255, lo & 255);
  }
  return tail;
}

/** Big-endian bytes of 32-bit words, the output form of the SHA family. */
export function wordsToBytesBE(words: number[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    out.push(w >>> 24, (w >>> 16) & 255, (w >>> 8) & 255, w & 255);
  }
  return out;
}

/** A zero-filled array built by appending, so every engine stores it densely. */
export function zeros(length: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < length; i++) out.push(0);
  return out;
}
