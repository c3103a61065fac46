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
