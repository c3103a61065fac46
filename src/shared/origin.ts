// Where a package document comes from. Every package written through this registry's own update
// handlers carries `origin: <this registry's id>`; documents replicated from another registry
// carry that registry's id, and mirrored ones `mirror:<upstream URL>`. Private names are the
// documents whose origin is this registry: an upstream copy may never replace them, and users may
// never change a copy that came from elsewhere (it is read-only here; publish upstream instead):
// those rules are in rules.ts.

export function isLocal(doc: { origin?: unknown }, registryId: string): boolean {
  return doc.origin === registryId;
}

/** A sentence naming where a non-local package comes from. */
export function describeOrigin(doc: { origin?: unknown; upstream?: unknown }): string {
  const origin = typeof doc.origin === 'string' ? doc.origin : '';
  if (origin.indexOf('mirror:') === 0) return 'mirrored from ' + origin.slice('mirror:'.length);
  return origin ? 'replicated from the registry ' + origin : 'copied from another registry';
}
