// The rules validate_doc_update enforces on every write to the registry database, whatever path
// it took (update handler, direct PUT, _bulk_docs, replication). The update handlers check the
// same things first to answer with friendlier errors; this is the backstop.
import type { UserCtx } from './couch';
import { actorOf, isMaintainer } from './actor';
import { has, isObject, jsonEqual, without } from './equal';
import { maintainerList, urlProblem } from './foreign';
import { packageNameProblem } from './package-name';
import { isForeign, livePackage, type PackageDoc } from './packument';
import { describeOrigin, isLocal } from './origin';
import { isValidVersion } from './semver';

export type Verdict = null | { unauthorized: string } | { forbidden: string };

export function checkWrite(newDoc: PackageDoc, oldDoc: PackageDoc | null, userCtx: UserCtx, registryId: string): Verdict {
  const actor = actorOf(userCtx);
  if (newDoc._id.indexOf('_design/') === 0) return actor.isAdmin ? null : { forbidden: 'Only administrators may change design documents.' };
  if (!actor.name && !actor.isAdmin) return { unauthorized: 'You must be logged in to change packages. Run `npm login`.' };
  const live = livePackage(oldDoc);

  if (newDoc._deleted) {
    // Deleting would free the name for anyone (see isUnpublished): users unpublish instead.
    if (actor.isAdmin) return null;
    return { forbidden: 'Packages are removed with `npm unpublish ' + newDoc._id + ' --force`, not by deleting the document.' };
  }

  const shape = shapeProblem(newDoc, actor.isAdmin);
  if (shape) return { forbidden: shape };
  if (actor.isAdmin) {
    // Replication and mirroring write as an admin: they may add and update upstream copies, but
    // a private package (published here) is never replaced by one, whatever its revisions.
    if (live && isLocal(live, registryId) && !isLocal(newDoc, registryId)) {
      return { forbidden: newDoc._id + ' is a private package of this registry; a copy from elsewhere can never replace it.' };
    }
    return null;
  }
  // A copy from elsewhere, live or unpublished upstream, is read-only for users: its maintainer
  // names are upstream accounts and grant nothing here.
  const previous = live || (oldDoc && !oldDoc._deleted ? oldDoc : null);
  if (previous && !isLocal(previous, registryId)) return { forbidden: newDoc._id + ' is ' + describeOrigin(previous) + ' and is read-only here.' };
  if (!isLocal(newDoc, registryId)) return { forbidden: 'Packages written here must carry this registry as their origin.' };

  if (!live) {
    if (oldDoc && oldDoc.maintainers && oldDoc.maintainers.length > 0 && !isMaintainer(oldDoc.maintainers, actor.name)) {
      return { forbidden: 'The name ' + newDoc._id + ' belonged to other maintainers; only they can publish it again.' };
    }
    if (!isMaintainer(newDoc.maintainers, actor.name)) return { forbidden: 'You must be a maintainer of a package you create.' };
    return reusedVersion(newDoc, oldDoc) || ownVersions(newDoc, null, actor.name as string);
  }
  if (!isMaintainer(live.maintainers, actor.name)) {
    // Anyone may star or unstar a package, as themselves only.
    if (jsonEqual(without(newDoc, ['_rev', 'users']), without(live, ['_rev', 'users'])) && onlyOwnStar(newDoc.users, live.users, actor.name as string)) return null;
    return { forbidden: 'Only maintainers of ' + newDoc._id + ' may change it.' };
  }
  if (isForeign(live) !== isForeign(newDoc)) {
    return { forbidden: isForeign(live) ? 'A foreign package cannot be turned into a published one.' : 'A published package cannot be turned into a foreign one.' };
  }
  return immutableVersions(newDoc, live) || reusedVersion(newDoc, oldDoc) || keptTarballs(newDoc, live) || ownVersions(newDoc, live, actor.name as string);
}

/** Whether a document is a well-formed package (admins, and so replication, are held to this too). */
export function shapeProblem(doc: PackageDoc, admin: boolean): string | null {
  if (doc.name !== doc._id) return 'A package document must have its name as its _id.';
  if (!admin) {
    const p = packageNameProblem(doc.name);
    if (p) return p;
  }
  if (!maintainerList(doc.maintainers)) return 'A package must have a list of maintainers.';
  if (doc.time !== undefined && !isObject(doc.time)) return 'time must be an object.';
  if (isForeign(doc)) return urlProblem(doc.url);
  if (!isObject(doc.versions)) return 'A package must have versions.';
  const versions = doc.versions;
  for (const v of Object.keys(versions)) {
    const m = versions[v];
    if (!isValidVersion(v)) return 'The version "' + v + '" is not a valid semantic version.';
    if (!isObject(m) || m.name !== doc.name || m.version !== v) return 'Version ' + v + ' must name its package and version.';
    if (!isObject(m.dist) || typeof m.dist.tarball !== 'string') return 'Version ' + v + ' has no dist.tarball.';
  }
  const tags = doc['dist-tags'];
  if (!isObject(tags)) return 'A package must have dist-tags.';
  for (const t of Object.keys(tags)) {
    if (!has(versions, tags[t] as string)) return 'The dist-tag ' + t + ' points at a version that does not exist.';
  }
  return null;
}

function onlyOwnStar(now: unknown, before: unknown, user: string): boolean {
  const a = isObject(now) ? now : {};
  const b = isObject(before) ? before : {};
  if (now !== undefined && !isObject(now)) return false;
  if (a[user] !== undefined && a[user] !== true) return false;
  return jsonEqual(without(a, [user]), without(b, [user]));
}

/** A published version may gain or lose a deprecation message; nothing else in it ever changes. */
function immutableVersions(doc: PackageDoc, live: PackageDoc): Verdict {
  const before = live.versions || {};
  const after = doc.versions || {};
  for (const v of Object.keys(after)) {
    if (!has(before, v)) continue;
    if (!jsonEqual(without(after[v], ['deprecated']), without(before[v], ['deprecated']))) {
      return { forbidden: 'Version ' + v + ' of ' + doc._id + ' is published and cannot be changed.' };
    }
  }
  return null;
}

function reusedVersion(doc: PackageDoc, old: PackageDoc | null): Verdict {
  const used = (old && old.time) || {};
  const before = (livePackage(old) && (old as PackageDoc).versions) || {};
  for (const v of Object.keys(doc.versions || {})) {
    if (!has(before, v) && has(used, v)) return { forbidden: 'Version ' + v + ' of ' + doc._id + ' was used before; version numbers can never be reused.' };
  }
  // Forgetting when a version was published would let its number be used again.
  const nowTime = doc.time || {};
  for (const v of Object.keys(used)) {
    if (isValidVersion(v) && !has(nowTime, v)) return { forbidden: 'The publish time of ' + doc._id + '@' + v + ' must be kept.' };
  }
  return null;
}

function keptTarballs(doc: PackageDoc, live: PackageDoc): Verdict {
  const before = live._attachments || {};
  const after = doc._attachments || {};
  for (const name of Object.keys(after)) {
    const a = after[name];
    const b = before[name];
    if (b && a && a.digest && b.digest && a.digest !== b.digest) return { forbidden: 'The tarball ' + name + ' is published and cannot be replaced.' };
  }
  return null;
}

/** New versions carry the publishing user as _npmUser. */
function ownVersions(doc: PackageDoc, live: PackageDoc | null, user: string): Verdict {
  const before = (live && live.versions) || {};
  const after = doc.versions || {};
  for (const v of Object.keys(after)) {
    if (has(before, v)) continue;
    const npmUser = after[v]._npmUser;
    if (!isObject(npmUser) || npmUser.name !== user) return { forbidden: 'New version ' + v + ' must be published as yourself.' };
  }
  return null;
}
