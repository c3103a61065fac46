// UTF-8 by hand: CouchDB's engines have no TextEncoder/TextDecoder, and bytes here are plain
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

// String.fromCharCode.apply takes its arguments on the stack; engines cap that, so go in slices.
const CHUNK = 8192;

function flush(units: number[], parts: string[]): void {
  parts.push(String.fromCharCode.apply(null, units));
  units.length = 0;
}

function emit(units: number[], parts: string[], cp: number): void {
  if (cp > 0xffff) {
    cp -= 0x10000;
    units.push(0xd800 | (cp >> 10), 0xdc00 | (cp & 0x3ff));
  } else {
    units.push(cp);
  }
  if (units.length >= CHUNK) flush(units, parts);
}

/**
 * Decodes UTF-8 bytes to a string. Malformed input never throws: each maximal invalid
 * subsequence becomes U+FFFD, the WHATWG rule that Buffer#toString and TextDecoder follow, so
 * results match Node's byte for byte.
 */
export function utf8Decode(bytes: number[]): string {
  const parts: string[] = [];
  const units: number[] = [];
  const n = bytes.length;
  let cp = 0;
  let needed = 0;
  let seen = 0;
  // The allowed range of the next continuation byte; narrowed after E0, ED, F0 and F4 to refuse
  // overlong forms, surrogates and code points above U+10FFFF.
  let lower = 0x80;
  let upper = 0xbf;
  for (let i = 0; i < n; i++) {
    const b = bytes[i];
    if (needed === 0) {
      if (b < 0x80) {
        units.push(b);
        if (units.length >= CHUNK) flush(units, parts);
      } else if (b >= 0xc2 && b <= 0xdf) {
        needed = 1;
        cp = b & 0x1f;
      } else if (b >= 0xe0 && b <= 0xef) {
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
        needed = 2;
        cp = b & 0x0f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
        needed = 3;
        cp = b & 0x07;
      } else {
        emit(units, parts, REPLACEMENT);
      }
      continue;
    }
    if (b < lower || b > upper) {
      // The sequence broke off: replace what we had and read this byte again as a fresh start.
      cp = needed = seen = 0;
      lower = 0x80;
      upper = 0xbf;
      emit(units, parts, REPLACEMENT);
      i--;
      continue;
    }
    lower = 0x80;
    upper = 0xbf;
    cp = (cp << 6) | (b & 0x3f);
    if (++seen === needed) {
      emit(units, parts, cp);
      cp = needed = seen = 0;
    }
  }
  if (needed !== 0) emit(units, parts, REPLACEMENT);
  if (units.length > 0) flush(units, parts);
  return parts.join('');
}
