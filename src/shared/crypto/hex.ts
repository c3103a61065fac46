// Lower-case hex, the spelling of npm's dist.shasum and of CouchDB's revision hashes.

const DIGITS = '0123456789abcdef';

/** Lower-case hexadecimal of bytes (0..255), two characters per byte. */
export function hex(bytes: number[]): string {
  const parts: string[] = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i];
    chunk += DIGITS.charAt((b >>> 4) & 15) + DIGITS.charAt(b & 15);
    // QuickJS copies a string on every append, so long outputs are built from short pieces.
    if (chunk.length >= 4096) {
      parts.push(chunk);
      chunk = '';
    }
  }
  parts.push(chunk);
  return parts.join('');
}
