// Authentication on top of express-pouchdb's cookie and Basic sessions: the JWT handler of
// CouchDB 3.4, switched on by `[chttpd] authentication_handlers` like the real thing (but live:
// the embedded server's `_restart` is a no-op).
import type { NextFunction, Request, Response } from 'express';
import { sendCouchError } from './errors.js';
import { jwtUserCtx, verifyJwt, type JwtSettings } from './jwt.js';
import { configOf, type CouchRequest } from './types.js';
import type { EmbeddedConfig } from './config.js';

const DEFAULT_HANDLERS = ['cookie', 'default'];

/**
 * Names of the configured handlers, as `_session` reports them: `{chttpd_auth,
 * jwt_authentication_handler}` is "jwt" (chttpd:auth_handler_name takes the first token).
 */
export function authHandlerNames(config: EmbeddedConfig): string[] {
  const spec = config.chttpd('authentication_handlers');
  if (!spec) return DEFAULT_HANDLERS;
  const names = [...spec.matchAll(/\{\s*[\w.]+\s*,\s*([\w.]+)\s*\}/g)].map((m) => m[1].split('_')[0]);
  return names.length ? names : DEFAULT_HANDLERS;
}

export function jwtSettings(config: EmbeddedConfig): JwtSettings {
  return {
    requiredClaims: config.get('jwt_auth', 'required_claims'),
    rolesClaimName: config.get('jwt_auth', 'roles_claim_name'),
    rolesClaimPath: config.get('jwt_auth', 'roles_claim_path'),
    key: (kty, kid) => config.get('jwt_keys', `${kty}:${kid}`),
  };
}

/**
 * Runs right after express-pouchdb's cookie/Basic authentication. A Bearer token, when the JWT
 * handler is configured, replaces whatever session that produced; a bad token ends the request
 * with CouchDB's error (400 "Bad HMAC", 401 "exp not in future", ...).
 */
export function jwtAuthentication(req: Request, res: Response, next: NextFunction): void {
  const creq = req as CouchRequest;
  const config = configOf(req);
  const handlers = authHandlerNames(config);
  if (creq.couchSession) {
    creq.couchSession.info.authentication_handlers = handlers;
    // CouchDB 3.4 reports authentication_db only when it is configured explicitly
    if (!config.isExplicit('chttpd_auth', 'authentication_db')) delete creq.couchSession.info.authentication_db;
  }
  const header = req.headers.authorization;
  if (!handlers.includes('jwt') || !header || !/^Bearer /.test(header)) {
    next();
    return;
  }
  try {
    const settings = jwtSettings(config);
    const userCtx = jwtUserCtx(verifyJwt(header.slice('Bearer '.length).trim(), settings), settings);
    creq.couchSession = {
      ok: true,
      userCtx,
      info: { authentication_handlers: handlers, authenticated: 'jwt' },
    };
    next();
  } catch (err) {
    sendCouchError(req, res, err);
  }
}
