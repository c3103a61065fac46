// Documents with competing revisions left by replication: key id, value the losing revisions.
// `couch-registry resolve` reads it and keeps the private copy.
import type { PackageDoc } from '../../src/shared/packument';

export function map(doc: PackageDoc): void {
  if (doc._conflicts && doc._conflicts.length > 0) emit(doc._id, doc._conflicts);
}
