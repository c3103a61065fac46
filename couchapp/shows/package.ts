// GET /:pkg and GET /@scope%2fname — `npm install`, `npm view`, `npm outdated`, publish checks.
// Request: Accept application/json (full) or application/vnd.npm.install-v1+json (abbreviated).
// Response: 200 packument with _id and _rev; 302 Location for a foreign package; 404 when unknown.
// With a pull-through upstream (setup --upstream), a name with no document, or an upstream copy
// older than the max age, answers 302 to the pull-through service, which stores a current copy and
// sends the client back here (src/shared/upstream.ts, src/upstream/).
import type { CouchRequest, CouchResponse } from '../../src/shared/couch';
import { errorResponse } from '../../src/shared/errors';
import { abbreviatedPackument, fullPackument, isForeign, livePackage, type PackageDoc } from '../../src/shared/packument';
import { baseHeaders, header, queryString, registryBase } from '../../src/shared/request';
import { settings, type DesignDoc } from '../lib/settings';
import { isLocal } from '../../src/shared/origin';
import { foreignLocation } from '../../src/shared/foreign';
import { packageNameProblem } from '../../src/shared/package-name';
import { BACK_MARK, inPrivateScope, isStale, isUpstreamCopy, packumentMissUrl, pendingTarballs, type UpstreamSettings } from '../../src/shared/upstream';

const CORGI = 'application/vnd.npm.install-v1+json';

export default function (this: DesignDoc, doc: PackageDoc | null, req: CouchRequest): CouchResponse {
  const name = queryString(req, 'pkg') || (doc && doc._id) || '';
  const up = settings(this).upstream;
  const back = queryString(req, BACK_MARK) !== undefined;
  if (!livePackage(doc) || !doc) {
    if (up && !back && !publishing(req) && askUpstream(doc, name, up)) return toService(up, registryBase(req, settings(this).publicUrl), name);
    if (up && inPrivateScope(name, up)) return errorResponse(404, 'The package ' + name + ' is not in this registry; its scope is private here, so it is never looked up upstream.');
    return errorResponse(404, 'The package ' + name + ' is not in this registry.');
  }
  if (up && !back && isUpstreamCopy(doc, up) && isStale(doc, up, Date.now())) {
    return toService(up, registryBase(req, settings(this).publicUrl), name);
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
  const at = { base: registryBase(req, publicUrl), own: isLocal(doc, here), pending: up && isUpstreamCopy(doc, up) ? pendingTarballs(doc) : undefined };
  const accept = header(req, 'Accept') || '';
  const corgi = accept.indexOf(CORGI) >= 0;
  const body = corgi ? abbreviatedPackument(doc, at) : fullPackument(doc, at);
  // CouchDB adds `Vary: Accept` itself (and would overwrite a `Vary` set here): see baseHeaders.
  const headers = baseHeaders(publicUrl);
  headers['Content-Type'] = corgi ? CORGI : 'application/json';
  return { code: 200, headers: headers, body: JSON.stringify(body) };
}

/**
 * Whether a name this registry does not serve may be looked up upstream: never a private package
 * (a document published here, unpublished or not) nor a name under a private scope.
 */
function askUpstream(doc: PackageDoc | null, name: string, up: UpstreamSettings): boolean {
  if (packageNameProblem(name) !== null || inPrivateScope(name, up)) return false;
  if (!doc) return true;
  // an upstream copy unpublished there may come back; a name that belongs here never goes upstream
  return isUpstreamCopy(doc, up) && isStale(doc, up, Date.now());
}

/**
 * `npm publish` reads the packument of the name first: a new private name must not be looked up
 * upstream then (that alone would tell the upstream the name, and store a copy that the publish
 * could not replace). npm names its command in every request.
 */
function publishing(req: CouchRequest): boolean {
  return header(req, 'npm-command') === 'publish';
}

function toService(up: UpstreamSettings, base: string, name: string): CouchResponse {
  return { code: 302, headers: { Location: packumentMissUrl(up, base, name), 'Cache-Control': 'no-store' }, body: '' };
}
