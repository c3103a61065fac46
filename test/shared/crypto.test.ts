// src/shared/crypto against node:crypto and Buffer, the reference implementations.

import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  Base64Error,
  base64Decode,
  base64Encode,
  base64UrlEncode,
  hex,
  hmacSha256,
  integrity,
  jwtSignHS256,
  sha1,
  sha256,
  sha512,
  utf8Encode,
} from '../../src/shared/crypto/index';

const BOUNDARY_SIZES = [0, 1, 2, 3, 55, 56, 57, 63, 64, 65, 111, 112, 113, 119, 120, 127, 128, 129, 255, 256, 257];
const RANDOM_SIZES = [1000, 4095, 65537, 100 * 1024];

function bytesOf(buffer: Buffer): number[] {
  return Array.from(buffer);
}

// Inputs are deterministic patterns at the block boundaries and random bytes for the large sizes.
function pattern(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push((i * 7 + 13) & 255);
  return out;
}

const INPUTS: Array<[string, number[]]> = [
  ...BOUNDARY_SIZES.map((n): [string, number[]] => [`${n} bytes`, pattern(n)]),
  ...RANDOM_SIZES.map((n): [string, number[]] => [`${n} random bytes`, bytesOf(randomBytes(n))]),
  ['all 0xff bytes', new Array(200).fill(255)],
];

describe('hashes match node:crypto', () => {
  const hashes = { sha1, sha256, sha512 };
  for (const [name, fn] of Object.entries(hashes)) {
    it.each(INPUTS)(`${name} of %s`, (_label, bytes) => {
      expect(hex(fn(bytes))).toBe(createHash(name).update(Buffer.from(bytes)).digest('hex'));
    });
  }

  it('sha256 of "abc" is the FIPS 180-4 example', () => {
    expect(hex(sha256(utf8Encode('abc')))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('hashing does not modify its input', () => {
    const bytes = pattern(130);
    const copy = bytes.slice();
    sha512(bytes);
    sha1(bytes);
    expect(bytes).toEqual(copy);
  });
});

describe('hmacSha256 matches node:crypto', () => {
  const keys: Array<[string, number[]]> = [
    ['empty key', []],
    ['short key', utf8Encode('secret')],
    ['64-byte key', pattern(64)],
    ['65-byte key (hashed first)', pattern(65)],
    ['200-byte random key', bytesOf(randomBytes(200))],
  ];
  for (const [label, key] of keys) {
    it.each(INPUTS.slice(0, 12))(`with ${label}, message of %s`, (_m, message) => {
      const expected = createHmac('sha256', Buffer.from(key)).update(Buffer.from(message)).digest('hex');
      expect(hex(hmacSha256(key, message))).toBe(expected);
    });
  }
});

describe('hex', () => {
  it('spells every byte as two lower-case digits', () => {
    const all = Array.from({ length: 256 }, (_v, i) => i);
    expect(hex(all)).toBe(Buffer.from(all).toString('hex'));
    expect(hex([])).toBe('');
  });
});

describe('utf8', () => {
  const strings = [
    '',
    'plain ascii',
    'café',
    'Ελληνικά и кириллица',
    '日本語のテキスト',
    'astral: 😀 𝄞 🏳️‍🌈',
    '\u0000\u007f\u0080\u07ff\u0800\uffff',
    '\ud800\udc00\udbff\udfff',
  ];

  it.each(strings)('encodes %j as Buffer does', (s) => {
    expect(utf8Encode(s)).toEqual(bytesOf(Buffer.from(s, 'utf8')));
  });

  it('encodes lone surrogates as U+FFFD, as Buffer does', () => {
    for (const s of ['\ud800', 'a\udc00b', '\udbffx', 'x\ud800', '\udc00\ud800']) {
      expect(utf8Encode(s)).toEqual(bytesOf(Buffer.from(s, 'utf8')));
    }
  });
});

describe('base64', () => {
  it.each(INPUTS)('encodes %s as Buffer does', (_label, bytes) => {
    expect(base64Encode(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    expect(base64UrlEncode(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
  });

  it.each(INPUTS)('decodes %s as Buffer does', (_label, bytes) => {
    expect(base64Decode(Buffer.from(bytes).toString('base64'))).toEqual(bytes);
  });

  it('decodes every alphabet character', () => {
    const all = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    expect(base64Decode(all)).toEqual(bytesOf(Buffer.from(all, 'base64')));
  });

  const badStandard: Array<[string, string]> = [
    ['a character outside the alphabet', 'QUJD!A=='],
    ['a url-safe character', 'ab-_'],
    ['a non-ASCII character', 'QUJDé==='],
    ['a character above U+00FF', 'QUJ\u0141'],
    ['a space', 'QUJD RA=='],
    ['a trailing newline', 'QUJD\n'],
    ['a missing padding', 'QUJDRA'],
    ['a length that is not a multiple of 4', 'QUJDR'],
    ['padding in the middle', 'QQ==QUJD'],
    ['padding inside a quad', 'QQ=A'],
    ['three padding characters', 'Q==='],
    ['only padding', '===='],
    ['non-zero bits under one padding character', 'QUJ='],
    ['non-zero bits under two padding characters', 'QR=='],
  ];
  it.each(badStandard)('base64Decode refuses %s', (_label, input) => {
    expect(() => base64Decode(input)).toThrow(Base64Error);
  });

  it('names the offending character and offset in the error', () => {
    expect(() => base64Decode('QUJD!A==')).toThrow(/"!" at offset 4/);
  });

  it('decodes the empty string to no bytes', () => {
    expect(base64Decode('')).toEqual([]);
  });
});

describe('integrity', () => {
  it.each(INPUTS.slice(-5))('gives npm dist.integrity and dist.shasum of %s', (_label, bytes) => {
    const buffer = Buffer.from(bytes);
    expect(integrity(bytes)).toEqual({
      sha512: 'sha512-' + createHash('sha512').update(buffer).digest('base64'),
      sha1hex: createHash('sha1').update(buffer).digest('hex'),
    });
  });
});

describe('JWT HS256', () => {
  const key = utf8Encode('registry signing key');
  const now = 1_700_000_000;
  const claims = { sub: 'alice', name: 'Ålice 😀', exp: now + 3600 };

  function nodeSignature(signingInput: string, k: number[]): string {
    return createHmac('sha256', Buffer.from(k)).update(signingInput).digest('base64url');
  }

  it('signs with the fixed header and a signature node:crypto agrees with', () => {
    const token = jwtSignHS256(claims, key);
    const [header, payload, signature] = token.split('.');
    expect(Buffer.from(header, 'base64url').toString()).toBe('{"alg":"HS256","typ":"JWT"}');
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual(claims);
    expect(signature).toBe(nodeSignature(header + '.' + payload, key));
  });
});
