// GET /:pkg and GET /@scope%2fname — `npm install`, `npm view`, `npm outdated`, publish checks.
// Request: Accept application/json (full) or application/vnd.npm.install-v1+json (abbreviated).
// Response: 200 packument with _id and _rev; 302 Location for a foreign package; 404 when unknown.
import type { CouchRequest, CouchResponse } from '../../src/shared/couch';
import { errorResponse } from '../../src/shared/errors';
import { abbreviatedPackument, fullPackument, isForeign, livePackage, type PackageDoc } from '../../src/shared/packument';
import { baseHeaders, header, queryString, registryBase } from '../../src/shared/request';
import { settings, type DesignDoc } from '../lib/settings';
import { isLocal } from '../../src/shared/origin';
import { foreignLocation } from '../../src/shared/foreign';

const CORGI = 'application/vnd.npm.install-v1+json';

export default function (this: DesignDoc, doc: PackageDoc | null, req: CouchRequest): CouchResponse {
  const name = queryString(req, 'pkg') || (doc && doc._id) || '';
  if (!livePackage(doc) || !doc) {
    return errorResponse(404, 'The package ' + name + ' is not in this registry.');
  }
  const here = settings(this).id;
  if (doc._conflicts && doc._conflicts.length > 0 && !isLocal(doc, here)) {
    // Replication left competing copies and the one CouchDB picked came from elsewhere: it might be
    // shadowing a private package, so answer nothing rather than possibly the wrong package.
    return errorResponse(409, 'There are competing copies of ' + name + ' from replication; an administrator must run `couch-registry resolve`.');
  }
  if (isForeign(doc)) {
    // Stored urls are header-safe (ASCII), but older or replicated ones may not be.
    const to = foreignLocation(doc.url, settings(this).allowPrivateForeignUrls);
    if (!to.ok) return errorResponse(403, name + ' is registered here as hosted elsewhere, but not at a url this registry redirects to. ' + to.problem);
    return { code: 302, headers: { Location: to.location, 'Cache-Control': 'no-cache' }, body: '' };
  }
  const publicUrl = settings(this).publicUrl;
  const at = { base: registryBase(req, publicUrl), own: isLocal(doc, here) };
  const accept = header(req, 'Accept') || '';
  const corgi = accept.indexOf(CORGI) >= 0;
  const body = corgi ? abbreviatedPackument(doc, at) : fullPackument(doc, at);
  // CouchDB adds `Vary: Accept` itself (and would overwrite a `Vary` set here): see baseHeaders.
  const headers = baseHeaders(publicUrl);
  headers['Content-Type'] = corgi ? CORGI : 'application/json';
  return { code: 200, headers: headers, body: JSON.stringify(body) };
}
