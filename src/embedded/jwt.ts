// JWT (`Authorization: Bearer`) authentication as CouchDB 3.4.3 does it: jwtf.erl for decoding
// and checks, couch_httpd_auth:jwt_authentication_handler for turning claims into a userCtx.
// Checks run in jwtf's order (claims before signature), so errors match CouchDB's.
//
// Only HS256 is verified: setup configures one key, `[jwt_keys] hmac:_default`, and the registry
// signs its tokens with it (src/shared/crypto/jwt.ts). The other algorithms CouchDB knows are still
// recognised, so their tokens get CouchDB's answers up to the key lookup ("Unknown kid" while no
// key of their type is configured, as here); one with a configured key is refused, not verified.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { CouchError } from './errors.js';
import type { UserCtx } from './types.js';

type Claims = Record<string, unknown>;
type Check = { claim: string; value?: string };

/** jwtf's ?ALGS, by the key type (`[jwt_keys] <kty>:<kid>`) each one is looked up under. */
const KEY_TYPES: Record<string, 'hmac' | 'rsa' | 'ec'> = {
  RS256: 'rsa',
  RS384: 'rsa',
  RS512: 'rsa',
  ES256: 'ec',
  ES384: 'ec',
  ES512: 'ec',
  HS256: 'hmac',
  HS384: 'hmac',
  HS512: 'hmac',
};
const VERIFIED_ALG = 'HS256';

export interface JwtSettings {
  /** `[jwt_auth] required_claims`; CouchDB 3.4 defaults to "exp" */
  requiredClaims?: string;
  /** `[jwt_keys] <kty>:<kid>` lookup */
  key(kty: string, kid: string): string | undefined;
  rolesClaimName?: string;
  rolesClaimPath?: string;
  nowSeconds?: number;
}

const bad = (reason: string) => new CouchError(400, 'bad_request', reason);

/** couch_httpd_auth:get_configured_claims: `exp, nbf, {iss, "Corp"}`. */
export function parseRequiredClaims(text: string): Check[] {
  const re = /([a-z]+)|\{([a-z]+)\s*,\s*"([^"]+)"\}/g;
  const checks = [...text.matchAll(re)].map((m) => (m[1] ? { claim: m[1] } : { claim: m[2], value: m[3] }));
  if (checks.length === 0 && text.trim() !== '') {
    throw new CouchError(500, 'misconfigured_server', 'JWT is not configured correctly');
  }
  return checks;
}

function decodeJson(part: string): Claims {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    throw bad('Malformed token');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw bad('Not an object');
  return value as Claims;
}

function checkPayload(claims: Claims, checks: Check[], now: number): void {
  const wanted = (name: string) => checks.find((c) => c.claim === name);
  const iss = wanted('iss');
  if (iss?.value !== undefined) {
    if (claims.iss === undefined) throw bad('Missing iss claim');
    if (claims.iss !== iss.value) throw bad('Invalid iss claim');
  }
  if (wanted('iat')) {
    if (claims.iat === undefined) throw bad('Missing iat claim');
    if (!Number.isInteger(claims.iat)) throw bad('Invalid iat claim');
  }
  if (wanted('nbf')) {
    if (claims.nbf === undefined) throw bad('Missing nbf claim');
    if (!(Number(claims.nbf) < now)) throw new CouchError(401, 'unauthorized', 'nbf not in past');
  }
  if (wanted('exp')) {
    if (claims.exp === undefined) throw bad('Missing exp claim');
    if (!(Number(claims.exp) > now)) throw new CouchError(401, 'unauthorized', 'exp not in future');
  }
}

function keyFor(alg: string, kid: string, settings: JwtSettings): Buffer {
  const encoded = settings.key(KEY_TYPES[alg], kid);
  if (encoded === undefined) throw bad('Unknown kid');
  if (alg !== VERIFIED_ALG) {
    throw bad(`The embedded stand-in verifies ${VERIFIED_ALG} tokens only, not ${alg}: use CouchDB for other algorithms.`);
  }
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(encoded.trim())) throw bad('Not a valid key');
  return Buffer.from(encoded.trim(), 'base64');
}

function checkSignature(signed: string, signature: string, key: Buffer): void {
  const given = Buffer.from(signature, 'base64url');
  const expected = createHmac('sha256', key).update(signed).digest();
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw bad('Bad HMAC');
}

/** jwtf:decode: the verified claims of `token`, or a CouchError as CouchDB would answer. */
export function verifyJwt(token: string, settings: JwtSettings): Claims {
  const parts = token.split('.');
  if (parts.length !== 3) throw bad('Malformed token');
  const checks = [{ claim: 'alg' }, ...parseRequiredClaims(settings.requiredClaims ?? 'exp')];
  const header = decodeJson(parts[0]);
  if (checks.some((c) => c.claim === 'typ')) {
    if (header.typ === undefined) throw bad('Missing typ header parameter');
    if (header.typ !== 'JWT') throw bad('Invalid typ header parameter');
  }
  if (header.alg === undefined) throw bad('Missing alg header parameter');
  const alg = String(header.alg);
  if (!Object.hasOwn(KEY_TYPES, alg)) throw bad('Invalid alg header parameter');
  const claims = decodeJson(parts[1]);
  checkPayload(claims, checks, settings.nowSeconds ?? Math.floor(Date.now() / 1000));
  if (checks.some((c) => c.claim === 'kid') && header.kid === undefined) throw bad('Missing kid claim');
  const kid = header.kid === undefined ? '_default' : String(header.kid);
  checkSignature(`${parts[0]}.${parts[1]}`, parts[2], keyFor(alg, kid, settings));
  return claims;
}

/** `roles_claim_path` splits on dots that are not escaped as `\.`. */
function rolesAt(claims: Claims, path: string): unknown {
  const steps = path.split(/(?<!\\)\./).map((s) => s.replace(/\\\./g, '.'));
  let value: unknown = claims;
  for (const step of steps) {
    if (!value || typeof value !== 'object') return undefined;
    value = (value as Claims)[step];
  }
  return value;
}

/** The userCtx CouchDB derives from verified claims: `sub` is the name, roles from the claim. */
export function jwtUserCtx(claims: Claims, settings: JwtSettings): UserCtx {
  const raw = settings.rolesClaimPath
    ? rolesAt(claims, settings.rolesClaimPath)
    : claims[settings.rolesClaimName ?? '_couchdb.roles'];
  const roles = raw === undefined ? [] : Array.isArray(raw) ? raw : String(raw).split(/\s*,\s*/).filter(Boolean);
  if (!roles.every((r) => typeof r === 'string')) throw bad('Malformed token');
  if (claims.sub === undefined) throw new CouchError(401, 'unauthorized', 'Token missing sub claim.');
  return { name: String(claims.sub), roles: roles as string[] };
}
