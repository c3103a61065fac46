// Packages by maintainer: key user name, value package name. Serves `npm access list packages`
// (/-/user/:user/package) and /-/by-user/:user.
import { livePackage, type PackageDoc } from '../../src/shared/packument';

export function map(doc: PackageDoc): void {
  if (doc._id.indexOf('_design/') === 0 || !livePackage(doc) || !doc.maintainers) return;
  for (const m of doc.maintainers) {
    if (m && typeof m.name === 'string') emit(m.name, doc.name);
  }
}
