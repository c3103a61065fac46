// src/shared/crypto against node:crypto and Buffer, the reference implementations.

import { createHash, createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  Base64Error,
  base64Decode,
  base64Encode,
  base64UrlDecode,
  base64UrlEncode,
  constantTimeEqual,
  hex,
  hmacSha256,
  integrity,
  jwtSignHS256,
  jwtVerifyHS256,
  md5,
  sha1,
  sha256,
  sha512,
  utf8Decode,
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
  const hashes = { md5, sha1, sha256, sha512 };
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
    md5(bytes);
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

  it.each(strings)('decodes %j back to itself', (s) => {
    expect(utf8Decode(utf8Encode(s))).toBe(s);
  });

  it('encodes lone surrogates as U+FFFD, as Buffer does', () => {
    for (const s of ['\ud800', 'a\udc00b', '\udbffx', 'x\ud800', '\udc00\ud800']) {
      expect(utf8Encode(s)).toEqual(bytesOf(Buffer.from(s, 'utf8')));
    }
  });

  it('decodes malformed sequences with U+FFFD exactly as TextDecoder does', () => {
    const decoder = new TextDecoder('utf-8');
    const cases = [
      [0x80], [0xc0, 0x80], [0xc2], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf0, 0x8f, 0xbf, 0xbf],
      [0xf4, 0x90, 0x80, 0x80], [0xf5], [0xff], [0xe2, 0x82], [0xe2, 0x82, 0x41], [0xf0, 0x9f, 0x98],
      [0x61, 0xf0, 0x9f, 0x98, 0x80, 0x62],
    ];
    for (const bytes of cases) expect(utf8Decode(bytes)).toBe(decoder.decode(new Uint8Array(bytes)));
  });

  it('decodes random bytes exactly as TextDecoder does', () => {
    const decoder = new TextDecoder('utf-8');
    for (let round = 0; round < 50; round++) {
      const bytes = bytesOf(randomBytes(1 + round * 37));
      expect(utf8Decode(bytes)).toBe(decoder.decode(new Uint8Array(bytes)));
    }
  });

  it('decodes a string longer than one String.fromCharCode slice', () => {
    const s = 'ü€😀'.repeat(20000);
    expect(utf8Decode(utf8Encode(s))).toBe(s);
  });
});

describe('base64', () => {
  it.each(INPUTS)('encodes %s as Buffer does', (_label, bytes) => {
    expect(base64Encode(bytes)).toBe(Buffer.from(bytes).toString('base64'));
    expect(base64UrlEncode(bytes)).toBe(Buffer.from(bytes).toString('base64url'));
  });

  it.each(INPUTS)('decodes %s as Buffer does', (_label, bytes) => {
    expect(base64Decode(Buffer.from(bytes).toString('base64'))).toEqual(bytes);
    expect(base64UrlDecode(Buffer.from(bytes).toString('base64url'))).toEqual(bytes);
  });

  it('decodes every alphabet character', () => {
    const all = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    expect(base64Decode(all)).toEqual(bytesOf(Buffer.from(all, 'base64')));
    const url = all.replace('+', '-').replace('/', '_');
    expect(base64UrlDecode(url)).toEqual(bytesOf(Buffer.from(url, 'base64url')));
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

  const badUrl: Array<[string, string]> = [
    ['padding', 'QQ=='],
    ['a standard-alphabet character', 'ab+/'],
    ['a lone trailing character', 'QUJDR'],
    ['a newline', 'QUJD\n'],
    ['non-zero unused bits', 'QR'],
  ];
  it.each(badUrl)('base64UrlDecode refuses %s', (_label, input) => {
    expect(() => base64UrlDecode(input)).toThrow(Base64Error);
  });

  it('names the offending character and offset in the error', () => {
    expect(() => base64Decode('QUJD!A==')).toThrow(/"!" at offset 4/);
  });

  it('decodes the empty string to no bytes', () => {
    expect(base64Decode('')).toEqual([]);
    expect(base64UrlDecode('')).toEqual([]);
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

describe('constantTimeEqual', () => {
  it('tells equal from different arrays, including different lengths', () => {
    expect(constantTimeEqual([1, 2, 3], [1, 2, 3])).toBe(true);
    expect(constantTimeEqual([1, 2, 3], [1, 2, 4])).toBe(false);
    expect(constantTimeEqual([1, 2, 3], [1, 2])).toBe(false);
    expect(constantTimeEqual([], [])).toBe(true);
  });
});

describe('JWT HS256', () => {
  const key = utf8Encode('registry signing key');
  const now = 1_700_000_000;
  const claims = { sub: 'alice', name: 'Ålice 😀', exp: now + 3600 };

  function nodeSignature(signingInput: string, k: number[]): string {
    return createHmac('sha256', Buffer.from(k)).update(signingInput).digest('base64url');
  }

  function forge(header: object, payload: object, k: number[]): string {
    const input = Buffer.from(JSON.stringify(header)).toString('base64url') + '.' +
      Buffer.from(JSON.stringify(payload)).toString('base64url');
    return input + '.' + nodeSignature(input, k);
  }

  it('signs with the fixed header and a signature node:crypto agrees with', () => {
    const token = jwtSignHS256(claims, key);
    const [header, payload, signature] = token.split('.');
    expect(Buffer.from(header, 'base64url').toString()).toBe('{"alg":"HS256","typ":"JWT"}');
    expect(JSON.parse(Buffer.from(payload, 'base64url').toString())).toEqual(claims);
    expect(signature).toBe(nodeSignature(header + '.' + payload, key));
  });

  it('verifies its own token and returns the claims', () => {
    expect(jwtVerifyHS256(jwtSignHS256(claims, key), key, now)).toEqual({ ok: true, claims });
  });

  it('verifies a token signed by node:crypto', () => {
    const token = forge({ typ: 'JWT', alg: 'HS256' }, { sub: 'bob' }, key);
    expect(jwtVerifyHS256(token, key, now)).toEqual({ ok: true, claims: { sub: 'bob' } });
  });

  it('refuses an altered signature', () => {
    const token = jwtSignHS256(claims, key);
    const last = token.charAt(token.length - 2) === 'A' ? 'B' : 'A';
    const altered = token.slice(0, -2) + last + token.slice(-1);
    expect(jwtVerifyHS256(altered, key, now)).toEqual({ ok: false, reason: 'invalid signature' });
  });

  it('refuses an altered payload', () => {
    const [header, , signature] = jwtSignHS256(claims, key).split('.');
    const payload = Buffer.from(JSON.stringify({ ...claims, sub: 'mallory' })).toString('base64url');
    expect(jwtVerifyHS256([header, payload, signature].join('.'), key, now)).toEqual({ ok: false, reason: 'invalid signature' });
  });

  it('refuses a token signed with another key', () => {
    const token = jwtSignHS256(claims, utf8Encode('another key'));
    expect(jwtVerifyHS256(token, key, now)).toEqual({ ok: false, reason: 'invalid signature' });
  });

  it('refuses an expired token, and one at the exact second of exp', () => {
    const token = jwtSignHS256({ sub: 'alice', exp: now - 1 }, key);
    expect(jwtVerifyHS256(token, key, now)).toEqual({ ok: false, reason: 'token expired' });
    expect(jwtVerifyHS256(jwtSignHS256({ exp: now }, key), key, now)).toEqual({ ok: false, reason: 'token expired' });
  });

  it('refuses a token before its nbf, and accepts it from nbf on', () => {
    const token = jwtSignHS256({ sub: 'alice', nbf: now + 10 }, key);
    expect(jwtVerifyHS256(token, key, now)).toEqual({ ok: false, reason: 'token not yet valid (nbf)' });
    expect(jwtVerifyHS256(token, key, now + 10).ok).toBe(true);
  });

  it('refuses exp and nbf that are not numbers', () => {
    expect(jwtVerifyHS256(jwtSignHS256({ exp: String(now + 10) }, key), key, now)).toEqual({ ok: false, reason: 'exp claim is not a number' });
    expect(jwtVerifyHS256(jwtSignHS256({ nbf: null }, key), key, now)).toEqual({ ok: false, reason: 'nbf claim is not a number' });
  });

  it('refuses alg "none" and other algorithms even with a valid HS256 signature', () => {
    for (const alg of ['none', 'HS512', 'RS256', 'hs256']) {
      const result = jwtVerifyHS256(forge({ alg, typ: 'JWT' }, { sub: 'x' }, key), key, now);
      expect(result.ok).toBe(false);
      expect(result).toHaveProperty('reason', expect.stringMatching(/^unsupported algorithm/));
    }
    const unsigned = Buffer.from('{"alg":"none"}').toString('base64url') + '.' + Buffer.from('{}').toString('base64url') + '.';
    expect(jwtVerifyHS256(unsigned, key, now).ok).toBe(false);
  });

  it('refuses a header with critical extensions', () => {
    const token = forge({ alg: 'HS256', crit: ['exp'] }, { sub: 'x' }, key);
    expect(jwtVerifyHS256(token, key, now)).toEqual({ ok: false, reason: 'unsupported critical header parameters' });
  });

  it.each([
    ['two parts', 'a.b'],
    ['four parts', 'a.b.c.d'],
    ['an empty string', ''],
    ['a header that is not base64url', '!!!.e30.AAAA'],
    ['a header that is not JSON', Buffer.from('nope').toString('base64url') + '.e30.AAAA'],
  ])('refuses a malformed token with %s', (_label, token) => {
    const result = jwtVerifyHS256(token, key, now);
    expect(result.ok).toBe(false);
    expect(result).toHaveProperty('reason', expect.stringMatching(/^malformed token/));
  });

  it('refuses a signed payload that is not a JSON object', () => {
    const input = Buffer.from('{"alg":"HS256"}').toString('base64url') + '.' + Buffer.from('[1]').toString('base64url');
    const token = input + '.' + nodeSignature(input, key);
    expect(jwtVerifyHS256(token, key, now)).toEqual({ ok: false, reason: 'malformed token: payload is not a base64url JSON object' });
  });

  it('refuses a padded signature', () => {
    const token = jwtSignHS256(claims, key) + '=';
    expect(jwtVerifyHS256(token, key, now)).toEqual({ ok: false, reason: 'malformed token: signature is not base64url' });
  });
});
