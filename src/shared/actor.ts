// Who is asking, as the registry's rules see it.
import type { UserCtx } from './couch';
import type { Maintainer } from './packument';

export interface Actor {
  name: string | null;
  isAdmin: boolean;
}

export function actorOf(userCtx: UserCtx | null | undefined): Actor {
  const roles = (userCtx && userCtx.roles) || [];
  return { name: (userCtx && userCtx.name) || null, isAdmin: roles.indexOf('_admin') >= 0 };
}

export function isMaintainer(maintainers: Maintainer[] | undefined, name: string | null): boolean {
  if (!name || !maintainers) return false;
  for (const m of maintainers) if (m && m.name === name) return true;
  return false;
}
