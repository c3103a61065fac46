// Stars: key user name, value package name. `npm stars [user]` queries it as
// GET /-/_view/starredByUser?key="alice" and prints each row's value.
import { livePackage, type PackageDoc } from '../../src/shared/packument';

export function map(doc: PackageDoc): void {
  if (doc._id.indexOf('_design/') === 0 || !livePackage(doc) || !doc.users || typeof doc.users !== 'object') return;
  const users = doc.users as Record<string, unknown>;
  for (const user of Object.keys(users)) {
    if (users[user] === true) emit(user, doc.name);
  }
}
