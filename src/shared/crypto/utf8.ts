// UTF-8 encoding by hand: CouchDB's engines have no TextEncoder, and bytes here are plain
// number[] because QuickJS has no typed arrays.

// Lone surrogates cannot be encoded, so they become U+FFFD, as Node's Buffer and TextEncoder do.
const REPLACEMENT = 0xfffd;

/** Encodes a JavaScript string (UTF-16) as UTF-8 bytes. */
export function utf8Encode(s: string): number[] {
  const out: number[] = [];
  const n = s.length;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) {
      out.push(c);
    } else if (c < 0x800) {
      out.push(0xc0 | (c >> 6), 0x80 | (c & 0x3f));
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          // A surrogate pair is one astral code point: four bytes.
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 0x3f), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
          continue;
        }
        c = REPLACEMENT;
      }
      out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 0x3f), 0x80 | (c & 0x3f));
    }
  }
  return out;
}
