// Minting the registry's login tokens: HS256 JWTs that CouchDB's jwt_authentication_handler turns
// into {name: sub, roles: _couchdb.roles}. The key lives in the `_users` design doc (admin-only).
import { base64Decode, jwtSignHS256 } from '../../src/shared/crypto/index';
import { EMAIL_ROLE_PREFIX } from '../../src/shared/actor';

export interface UsersDesignDoc {
  _id: string;
  /** Base64 HMAC key, the same as CouchDB's [jwt_keys] hmac:_default. Written by setup. */
  secret?: string;
  registry?: { tokenTtlSeconds?: number };
  [key: string]: unknown;
}

export const DEFAULT_TOKEN_TTL_SECONDS = 90 * 24 * 60 * 60;

export function mintToken(ddoc: UsersDesignDoc, name: string, roles: string[], email: string | undefined, now: Date): { ok: true; token: string } | { ok: false; error: string } {
  if (typeof ddoc.secret !== 'string' || ddoc.secret === '') {
    return { ok: false, error: 'The registry cannot sign tokens: it has no key. An administrator must run couch-registry setup.' };
  }
  const ttl = ddoc.registry && typeof ddoc.registry.tokenTtlSeconds === 'number' ? ddoc.registry.tokenTtlSeconds : DEFAULT_TOKEN_TTL_SECONDS;
  const iat = Math.floor(now.getTime() / 1000);
  const claims: Record<string, unknown> = { sub: name, iat: iat, exp: iat + ttl };
  const tokenRoles: string[] = [];
  for (const r of roles) if (r.indexOf(EMAIL_ROLE_PREFIX) !== 0) tokenRoles.push(r);
  if (email) tokenRoles.push(EMAIL_ROLE_PREFIX + email);
  claims['_couchdb.roles'] = tokenRoles;
  return { ok: true, token: jwtSignHS256(claims, base64Decode(ddoc.secret)) };
}
