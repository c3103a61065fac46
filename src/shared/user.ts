// Rules for registry user names and the `_users` documents behind them.

export const USER_PREFIX = 'org.couchdb.user:';

export interface UserDoc {
  _id: string;
  _rev?: string;
  name: string;
  type: 'user';
  roles: string[];
  password?: string;
  email?: string;
  [key: string]: unknown;
}

/** Why a name cannot be a user name, as a sentence, or null when it is fine. */
export function userNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name === '') return 'A user needs a name.';
  if (name.length > 214) return 'User names are at most 214 characters long.';
  if (name.toLowerCase() !== name) return 'User names are lowercase: try "' + name.toLowerCase() + '".';
  if (encodeURIComponent(name) !== name || /[~'!()*]/.test(name)) return 'The user name "' + name + '" has characters that are not URL-safe.';
  if (name.charAt(0) === '.' || name.charAt(0) === '_' || name.charAt(0) === '-') return 'User names cannot start with "' + name.charAt(0) + '".';
  return null;
}

export function emailProblem(email: unknown): string | null {
  if (email === undefined || email === null || email === '') return null;
  if (typeof email !== 'string' || email.length > 254 || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) {
    return 'The e-mail address ' + JSON.stringify(String(email)) + ' does not look like one.';
  }
  return null;
}
