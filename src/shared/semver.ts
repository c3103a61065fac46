// The small part of semver the registry needs inside CouchDB (the semver package itself uses
// syntax that SpiderMonkey 78 refuses): strict parsing, ordering and prerelease detection.

export interface SemVer {
  major: number;
  minor: number;
  patch: number;
  prerelease: Array<string | number>;
  build: string[];
}

const NUM = '(0|[1-9]\\d*)';
const PRE_ID = '(?:0|[1-9]\\d*|\\d*[a-zA-Z-][a-zA-Z0-9-]*)';
const STRICT = new RegExp(
  '^' + NUM + '\\.' + NUM + '\\.' + NUM +
  '(?:-(' + PRE_ID + '(?:\\.' + PRE_ID + ')*))?' +
  '(?:\\+([0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*))?$',
);
const MAX_LENGTH = 256;

export function parseVersion(v: unknown): SemVer | null {
  if (typeof v !== 'string' || v.length > MAX_LENGTH) return null;
  const m = STRICT.exec(v);
  if (!m) return null;
  const major = Number(m[1]);
  const minor = Number(m[2]);
  const patch = Number(m[3]);
  if (major > Number.MAX_SAFE_INTEGER || minor > Number.MAX_SAFE_INTEGER || patch > Number.MAX_SAFE_INTEGER) return null;
  const prerelease = m[4] ? m[4].split('.').map(function (id) { return /^\d+$/.test(id) ? Number(id) : id; }) : [];
  return { major: major, minor: minor, patch: patch, prerelease: prerelease, build: m[5] ? m[5].split('.') : [] };
}

export function isValidVersion(v: unknown): v is string {
  return parseVersion(v) !== null;
}

export function isPrerelease(v: string): boolean {
  const p = parseVersion(v);
  return p !== null && p.prerelease.length > 0;
}

/** Orders two valid versions: negative, zero or positive, by semver precedence. */
export function compareVersions(a: string, b: string): number {
  const x = parseVersion(a);
  const y = parseVersion(b);
  if (!x || !y) throw new Error('compareVersions needs two valid versions');
  if (x.major !== y.major) return x.major - y.major;
  if (x.minor !== y.minor) return x.minor - y.minor;
  if (x.patch !== y.patch) return x.patch - y.patch;
  return comparePrerelease(x.prerelease, y.prerelease);
}

function comparePrerelease(a: Array<string | number>, b: Array<string | number>): number {
  if (a.length === 0 && b.length === 0) return 0;
  if (a.length === 0) return 1;
  if (b.length === 0) return -1;
  for (let i = 0; i < a.length && i < b.length; i++) {
    const p = a[i];
    const q = b[i];
    if (p === q) continue;
    if (typeof p === 'number' && typeof q === 'number') return p - q;
    if (typeof p === 'number') return -1;
    if (typeof q === 'number') return 1;
    return p < q ? -1 : 1;
  }
  return a.length - b.length;
}

/** The highest version of the list, preferring releases over prereleases, or null for none. */
export function highestVersion(versions: string[], includePrerelease: boolean): string | null {
  let best: string | null = null;
  for (const v of versions) {
    if (!isValidVersion(v)) continue;
    if (!includePrerelease && isPrerelease(v)) continue;
    if (best === null || compareVersions(v, best) > 0) best = v;
  }
  return best;
}

/** The version without its build metadata ("1.0.0+build.1" → "1.0.0"): what semver and npm compare. */
export function withoutBuild(v: string): string {
  const i = v.indexOf('+');
  return i < 0 ? v : v.slice(0, i);
}

/**
 * A version of `known` (other than `v` itself) that differs from `v` only in build metadata, or
 * null. Semver gives such versions the same precedence and npm treats them as one version
 * (`npm publish` strips build metadata), so `1.0.0+build.2` would shadow or be shadowed by
 * `1.0.0+build.1` in every range; a registry holds at most one of them.
 */
export function buildTwin(v: string, known: string[]): string | null {
  if (!isValidVersion(v)) return null;
  const core = withoutBuild(v);
  for (const k of known) if (k !== v && isValidVersion(k) && withoutBuild(k) === core) return k;
  return null;
}

export function buildTwinProblem(pkg: string, v: string, twin: string): string {
  return 'Version ' + v + ' of ' + pkg + ' differs from ' + twin + ', published here before, only in its build metadata (after "+"), which npm and semver ignore: give it a new version number.';
}
