// Rules for registry user names and the `_users` documents behind them: the sign-up handler
// (couchapp/users/updates/login.ts) checks them to answer with a sentence, and the `_users`
// validate_doc_update (couchapp/users/validate/index.ts) holds every other write path to them.
import type { UserCtx } from './couch';
import { MAX_NESTING, nestingProblem, nestsDeeperThan } from './equal';

export const USER_PREFIX = 'org.couchdb.user:';

export interface UserDoc {
  _id: string;
  _rev?: string;
  _deleted?: boolean;
  name: string;
  type: 'user';
  roles: string[];
  password?: string;
  email?: string;
  [key: string]: unknown;
}

/** What setup writes into `_users/_design/registry` as `registry`. */
export interface UsersSettings {
  tokenTtlSeconds?: number;
  /** Names nobody may sign up with: the server admins' (CouchDB checks `[admins]` before `_users`). */
  reservedNames?: string[];
}

const MAX_LENGTH = 214;

function codePoint(ch: string): string {
  let hex = ch.charCodeAt(0).toString(16).toUpperCase();
  while (hex.length < 4) hex = '0' + hex;
  return 'U+' + hex;
}

/**
 * Why a name cannot be a new user name, as a sentence, or null when it is fine. New names are
 * lowercase ASCII letters, digits, "-", "_" and ".", not starting with punctuation, as on npm's
 * own registry: maintainer lists then never show two names that look alike but differ (a Cyrillic
 * "а" for a Latin "a", an invisible zero-width space, a capital letter, a trailing space).
 */
export function userNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name === '') return 'A user needs a name.';
  if (name.length > MAX_LENGTH) return 'User names are at most ' + MAX_LENGTH + ' characters long.';
  const odd = /[^A-Za-z0-9._-]/.exec(name);
  if (odd) {
    const ch = odd[0];
    const shown = /[\x21-\x7e]/.test(ch) ? '"' + ch + '"' : codePoint(ch) + (ch === ' ' ? ' (a space)' : '');
    return 'The user name ' + JSON.stringify(name) + ' has the character ' + shown + ': user names may only use lowercase letters a-z, digits, "-", "_" and ".", so that no two of them look alike.';
  }
  if (name.toLowerCase() !== name) return 'User names are lowercase: try "' + name.toLowerCase() + '".';
  const first = name.charAt(0);
  if (first === '.' || first === '_' || first === '-') return 'User names cannot start with "' + first + '".';
  return null;
}

/** userNameProblem, and names that are reserved on this server (its admins' names). */
export function newUserNameProblem(name: unknown, settings: UsersSettings | undefined): string | null {
  const problem = userNameProblem(name);
  if (problem) return problem;
  const reserved = (settings && settings.reservedNames) || [];
  if (reserved.indexOf(name as string) >= 0) return 'The user name ' + String(name) + ' is reserved on this server; pick another.';
  return null;
}

export function emailProblem(email: unknown): string | null {
  if (email === undefined || email === null || email === '') return null;
  if (typeof email !== 'string' || email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    return 'The e-mail address ' + JSON.stringify(String(email)) + ' does not look like one.';
  }
  return null;
}

interface Security {
  admins?: { names?: string[]; roles?: string[] };
}

/** A server admin, or an admin of `_users` by name or role (who CouchDB's own validation trusts too). */
export function isUsersDbAdmin(userCtx: UserCtx, secObj: Security | null | undefined): boolean {
  const roles = (userCtx && userCtx.roles) || [];
  if (roles.indexOf('_admin') >= 0) return true;
  const admins = (secObj && secObj.admins) || {};
  if (userCtx && userCtx.name !== null && (admins.names || []).indexOf(userCtx.name) >= 0) return true;
  for (const r of roles) if ((admins.roles || []).indexOf(r) >= 0) return true;
  return false;
}

/**
 * The registry's rules for a write to `_users` by someone who is not an admin there, on top of
 * CouchDB's own `_design/_auth` validation (which keeps names and roles from changing): a sentence
 * when the write is refused, else null.
 *
 * - Accounts are never deleted by their owners: a deleted name could be signed up again by anyone,
 *   who would then be the maintainer of every package of the old account.
 * - A new account must have a valid, unreserved name (npm adduser's route checks the same).
 * - A revision of a user document is never written without its parent (`_bulk_docs` with
 *   `new_edits: false`): CouchDB shows such a write no old document, so it could otherwise add a
 *   competing branch to someone else's account, with a password of the writer's choosing.
 */
export function userWriteProblem(newDoc: UserDoc, oldDoc: UserDoc | null, userCtx: UserCtx, secObj: Security | null | undefined, settings: UsersSettings | undefined): string | null {
  if (newDoc._id.indexOf('_design/') === 0 || isUsersDbAdmin(userCtx, secObj)) return null;
  const name = typeof newDoc.name === 'string' ? newDoc.name : newDoc._id.slice(USER_PREFIX.length);
  if (nestsDeeperThan(newDoc, MAX_NESTING)) return nestingProblem('The user document');
  if (newDoc._deleted === true) {
    return 'Accounts are not deleted by their users here: an administrator removes the account ' + name + ' (its packages keep naming it as their maintainer).';
  }
  const creating = !oldDoc || oldDoc._deleted === true;
  if (!creating) return null;
  if (typeof newDoc._rev === 'string') {
    return 'A user document is created by signing up, with no revision of its own; only administrators replicate into _users.';
  }
  return newUserNameProblem(newDoc.name, settings);
}
