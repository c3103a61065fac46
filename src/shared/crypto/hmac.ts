// HMAC (RFC 2104) over SHA-256, the MAC behind the registry's HS256 tokens.

import { sha256 } from './sha256';

const BLOCK = 64;

/** HMAC-SHA-256 of message under key; both are bytes (0..255). Returns 32 bytes. */
export function hmacSha256(key: number[], message: number[]): number[] {
  // Keys longer than a block are hashed first, as the RFC requires.
  const k = key.length > BLOCK ? sha256(key) : key;
  const inner: number[] = [];
  const outer: number[] = [];
  for (let i = 0; i < BLOCK; i++) {
    const b = i < k.length ? k[i] : 0;
    inner.push(b ^ 0x36);
    outer.push(b ^ 0x5c);
  }
  for (let i = 0; i < message.length; i++) inner.push(message[i]);
  const innerHash = sha256(inner);
  for (let i = 0; i < innerHash.length; i++) outer.push(innerHash[i]);
  return sha256(outer);
}

/**
 * Compares two byte arrays in time that depends only on their lengths, so a forged MAC cannot be
 * found byte by byte from response times.
 */
export function constantTimeEqual(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i] ^ b[i];
  return diff === 0;
}
