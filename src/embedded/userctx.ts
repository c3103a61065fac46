// Who is asking, and what _security lets them do, computed the way couch_db.erl does.
import type { CouchRequest, SecurityObject, UserCtx } from './types.js';

/**
 * A private copy of the caller's userCtx. express-pouchdb mutates the session's object (it adds
 * `db`, and used to push `_admin` onto the roles of users editing their own _users doc), so code
 * that decides access or hands the userCtx to design functions never shares it.
 */
export function userCtxOf(req: CouchRequest): UserCtx {
  const ctx = req.couchSession?.userCtx;
  return { name: ctx?.name ?? null, roles: Array.isArray(ctx?.roles) ? ctx.roles.slice() : [] };
}

export const isServerAdmin = (u: UserCtx) => u.roles.includes('_admin');

function inSection(u: UserCtx, section: { names?: string[]; roles?: string[] } | undefined): boolean {
  const names = section?.names ?? [];
  const roles = section?.roles ?? [];
  return (u.name !== null && names.includes(u.name)) || roles.some((r) => u.roles.includes(r));
}

/** couch_db:is_admin: a server admin, or named in `_security.admins`. */
export function isDbAdmin(u: UserCtx, sec: SecurityObject | undefined): boolean {
  return isServerAdmin(u) || inSection(u, sec?.admins);
}

/** couch_db:is_member: an admin, anyone when `members` is empty, else a listed name or role. */
export function isMember(u: UserCtx, sec: SecurityObject | undefined): boolean {
  if (isDbAdmin(u, sec)) return true;
  const members = sec?.members ?? {};
  const isPublic = (members.names ?? []).length === 0 && (members.roles ?? []).length === 0;
  return isPublic || inSection(u, members);
}

/** The userCtx CouchDB hands to design functions and validate_doc_update: `{db, name, roles}`. */
export function functionUserCtx(u: UserCtx, db: string): UserCtx & { db: string } {
  return { db, name: u.name, roles: u.roles.slice() };
}
