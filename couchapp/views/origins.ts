// Package names by origin (src/shared/origin.ts): key origin, value null, one row per package
// document, unpublished stubs included since they hold their names. `couch-registry replicate`
// reads the private names (key = this registry's id) to keep them out of a replication.
import type { PackageDoc } from '../../src/shared/packument';

export function map(doc: PackageDoc): void {
  if (doc._id.indexOf('_design/') === 0 || !doc.name) return;
  emit(typeof doc.origin === 'string' ? doc.origin : '', null);
}

export const reduce = '_count';
