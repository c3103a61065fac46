// Packages by last modification: key time.modified, value a short summary. Serves /-/all and
// /-/all/since?startkey="<ISO time>" (the listings of npm's original CouchApp).
import { livePackage, type PackageDoc } from '../../src/shared/packument';

export function map(doc: PackageDoc): void {
  if (doc._id.indexOf('_design/') === 0 || !livePackage(doc)) return;
  const time = doc.time || {};
  const tags = doc['dist-tags'] || {};
  const summary: Record<string, unknown> = { name: doc.name, description: doc.description || '', 'dist-tags': tags };
  summary.maintainers = (doc.maintainers || []).map(function (m) { return { name: m.name }; });
  if (doc.url && !doc.versions) summary.url = doc.url;
  if (time.modified) summary.time = { modified: time.modified };
  emit(time.modified || time.created || '', summary);
}
