// Where a package document comes from. Every package written through this registry's own update
// handlers carries `origin: <this registry's id>`; documents replicated from another registry
// carry that registry's id, and mirrored ones `mirror:<upstream URL>`. Private names are the
// documents whose origin is this registry: an upstream copy may never replace them, and users may
// never change a copy that came from elsewhere (it is read-only here; publish upstream instead).
import { fail, type Failure } from './errors';
import type { PackageDoc } from './packument';

export function isLocal(doc: { origin?: unknown }, registryId: string): boolean {
  return doc.origin === registryId;
}

/** A sentence naming where a non-local package comes from. */
export function describeOrigin(doc: { origin?: unknown; upstream?: unknown }): string {
  const origin = typeof doc.origin === 'string' ? doc.origin : '';
  if (origin.indexOf('mirror:') === 0) return 'mirrored from ' + origin.slice('mirror:'.length);
  return origin ? 'replicated from the registry ' + origin : 'copied from another registry';
}

/** Refuses a user's change to a package that came from elsewhere. */
export function refuseUpstream(doc: PackageDoc | null, name: string, registryId: string): Failure | null {
  if (!doc || doc._deleted || isLocal(doc, registryId)) return null;
  return fail(403, name + ' is ' + describeOrigin(doc) + ' and is read-only here; publish it where it comes from.');
}
