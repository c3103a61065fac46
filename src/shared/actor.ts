// Who is asking, as the registry's rules see it.
import type { UserCtx } from './couch';
import type { Maintainer } from './packument';

export interface Actor {
  name: string | null;
  isAdmin: boolean;
  /** The user's public e-mail, carried in the login token (see EMAIL_ROLE_PREFIX). */
  email?: string;
}

/**
 * CouchDB gives design-doc functions only a user's name and roles, yet npm expects maintainers
 * and publishers with an e-mail. The login token therefore carries the account's public e-mail
 * as one extra role, `email:<address>`, which no access rule refers to.
 */
export const EMAIL_ROLE_PREFIX = 'email:';

export function actorOf(userCtx: UserCtx | null | undefined): Actor {
  const roles = (userCtx && userCtx.roles) || [];
  const actor: Actor = { name: (userCtx && userCtx.name) || null, isAdmin: roles.indexOf('_admin') >= 0 };
  for (const role of roles) {
    if (typeof role === 'string' && role.indexOf(EMAIL_ROLE_PREFIX) === 0) actor.email = role.slice(EMAIL_ROLE_PREFIX.length);
  }
  return actor;
}

/** The actor as npm shows a person: {name, email}. */
export function personOf(actor: Actor): Maintainer {
  const p: Maintainer = { name: actor.name as string };
  if (actor.email) p.email = actor.email;
  return p;
}

export function isMaintainer(maintainers: Maintainer[] | undefined, name: string | null): boolean {
  if (!name || !maintainers) return false;
  for (const m of maintainers) if (m && m.name === name) return true;
  return false;
}
