// Which names a package pulls in from the registry when npm installs it. `--deps` follows them
// over every version. Counted: `dependencies`, `optionalDependencies` (npm tries to install them,
// and platform-specific binaries live there) and `peerDependencies` (npm 7+ installs them unless
// peerDependenciesMeta marks them optional). Not counted: devDependencies (never installed for a
// dependency), optional peers, and specs that do not come from a registry (git, URLs, files).
import { isObject } from '../shared/equal';
import type { PackageDoc } from '../shared/packument';

const NOT_REGISTRY = /^(file:|link:|workspace:|portal:|patch:|git\+|git:|github:|gist:|gitlab:|bitbucket:|https?:|[^@\s/:]+\/[^\s]+)/i;

/** The registry name a dependency entry resolves to, or null when it is not from a registry. */
export function registryName(key: string, spec: unknown): string | null {
  const s = typeof spec === 'string' ? spec.trim() : '';
  if (s.indexOf('npm:') === 0) {
    // An alias, "npm:other@^1" or "npm:@sc/other@^1": the registry name is the aliased one.
    const rest = s.slice(4);
    const at = rest.indexOf('@', 1);
    return validName(at > 0 ? rest.slice(0, at) : rest);
  }
  if (NOT_REGISTRY.test(s)) return null;
  return validName(key);
}

function validName(n: string): string | null {
  return n !== '' && n.length <= 214 && !/\s/.test(n) && n.charAt(0) !== '.' && n.charAt(0) !== '_' ? n : null;
}

export function dependencyNames(doc: PackageDoc): string[] {
  const out = new Set<string>();
  const versions = doc.versions || {};
  for (const v of Object.keys(versions)) {
    const m = versions[v];
    const add = (deps: unknown, skip?: (k: string) => boolean) => {
      if (!isObject(deps)) return;
      for (const k of Object.keys(deps)) {
        if (skip && skip(k)) continue;
        const n = registryName(k, deps[k]);
        if (n && n !== doc.name) out.add(n);
      }
    };
    add(m.dependencies);
    add(m.optionalDependencies);
    const meta = isObject(m.peerDependenciesMeta) ? m.peerDependenciesMeta : {};
    add(m.peerDependencies, (k) => isObject(meta[k]) && meta[k].optional === true);
  }
  return Array.from(out).sort();
}
