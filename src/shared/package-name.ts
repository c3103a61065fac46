// npm's rules for package names (those of validate-npm-package-name for new packages) and the
// names the registry derives from them: document id, URL segment, tarball file and path.

const MAX_LENGTH = 214;
const RESERVED = ['node_modules', 'favicon.ico'];

export interface ParsedName {
  scope: string | null;
  /** The name without its scope: "bar" for "@sc/bar". */
  base: string;
}

export function parseName(name: string): ParsedName {
  const m = /^@([^/]+)\/([^/]+)$/.exec(name);
  return m ? { scope: m[1], base: m[2] } : { scope: null, base: name };
}

/** Why a name cannot be a package name, as a sentence, or null when it is fine. */
export function packageNameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || name === '') return 'A package needs a name.';
  const shown = JSON.stringify(name.length > 80 ? name.slice(0, 80) + '…' : name);
  if (name.length > MAX_LENGTH) return 'The package name ' + shown + ' is longer than ' + MAX_LENGTH + ' characters.';
  if (name.trim() !== name) return 'The package name ' + shown + ' has spaces around it.';
  if (name.toLowerCase() !== name) return 'The package name ' + shown + ' has capital letters; npm package names are lowercase.';
  if (name.charAt(0) === '.' || name.charAt(0) === '_') return 'The package name ' + shown + ' starts with "' + name.charAt(0) + '", which npm does not allow.';
  if (RESERVED.indexOf(name) >= 0) return 'The package name ' + shown + ' is reserved.';
  const parsed = parseName(name);
  if (name.charAt(0) === '@' && parsed.scope === null) return 'The scoped package name ' + shown + ' must look like @scope/name.';
  const parts = parsed.scope === null ? [parsed.base] : [parsed.scope, parsed.base];
  for (const part of parts) {
    if (encodeURIComponent(part) !== part || /[~'!()*]/.test(part)) {
      return 'The package name ' + shown + ' has characters that are not URL-safe.';
    }
    if (part.charAt(0) === '.' || part.charAt(0) === '_') return 'The package name ' + shown + ' has a part starting with "' + part.charAt(0) + '".';
  }
  return null;
}

/** A package name as one URL path segment: "@sc/bar" becomes "@sc%2fbar", as npm sends it. */
export function nameSegment(name: string): string {
  return name.replace('/', '%2f');
}

export function tarballFile(name: string, version: string): string {
  return parseName(name).base + '-' + version + '.tgz';
}

/** The tarball's path relative to the registry's base URL, as stored in dist.tarball. */
export function tarballPath(name: string, version: string): string {
  return nameSegment(name) + '/-/' + tarballFile(name, version);
}
