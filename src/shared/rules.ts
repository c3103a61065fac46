// Who may write what to the registry database, stated once. validate_doc_update runs checkWrite
// on every write, whatever path it took (update handler, direct PUT, _bulk_docs, replication). The
// update handlers run the same rules on the document they are about to return (handlerRefusal),
// and call the parts that must answer before their own checks of the request (readOnlyVerdict,
// maintainerVerdict, republishVerdict, historyVerdict, publishedTarballVerdict) where they always
// did, so a refusal reads the same whichever path the write took. What only a handler can see
// stays in the handler: the request body's size and bytes, the tarball's digests, the names in
// the URL and the body.
//
// A verdict is the one-key object validate_doc_update throws: {unauthorized: sentence} (401) or
// {forbidden: sentence} (403). CouchDB answers it as {"error":"forbidden","reason":sentence}: it
// takes exactly one key, forbidden or unauthorized (two keys, or any other key, give a 500), and
// sets `error` to that key (couch_query_servers:validate_doc_update, chttpd:error_info). npm
// prints only `error`, so a handler refuses the write itself, with failureOf(verdict), which puts
// the sentence there (test/integration/refusal-wording.test.ts).
import type { UserCtx } from './couch';
import { actorOf, isMaintainer, type Actor } from './actor';
import { has, isObject, jsonEqual, MAX_NESTING, nestingProblem, nestsDeeperThan, without } from './equal';
import { fail, type Failure } from './errors';
import { maintainerList, urlAddressProblem, urlProblem } from './foreign';
import { packageNameProblem, tarballFile, tarballPath } from './package-name';
import { isForeign, livePackage, type PackageDoc } from './packument';
import { describeOrigin, isLocal } from './origin';
import { buildTwin, buildTwinProblem, isValidVersion } from './semver';

export type Verdict = null | { unauthorized: string } | { forbidden: string };

/** The content type the publish handler stores tarballs with (src/shared/publish.ts). */
export const TARBALL_TYPE = 'application/octet-stream';

/**
 * The largest tarball a publish can carry: the publish handler refuses bodies over maxBodyBytes,
 * and the tarball travels in them base64-encoded (4 characters for every 3 bytes).
 */
export function largestTarball(maxBodyBytes: number): number {
  return Math.floor(maxBodyBytes / 4) * 3;
}

/** A refusal as an update handler sends it: the verdict's status, and its sentence in `error`. */
export function failureOf(verdict: { unauthorized: string } | { forbidden: string }): Failure {
  if ('unauthorized' in verdict) return fail(401, verdict.unauthorized);
  return fail(403, verdict.forbidden);
}

/** The verdict on a write without a user. */
export const NOT_LOGGED_IN: { unauthorized: string } = { unauthorized: 'You must be logged in to change packages. Run `npm login`.' };

function loginVerdict(actor: Actor): Verdict {
  return actor.name || actor.isAdmin ? null : NOT_LOGGED_IN;
}

/** The sentence for a new package, or a foreign registration, that does not list its writer. */
export const MUST_MAINTAIN = 'You must be a maintainer of a package you create or register.';

/**
 * A copy from elsewhere, live or unpublished upstream, is read-only for users: its maintainer
 * names are upstream accounts and grant nothing here. The update handlers hold admins to it too.
 */
export function readOnlyVerdict(doc: PackageDoc | null, name: string, registryId: string): Verdict {
  if (!doc || doc._deleted || isLocal(doc, registryId)) return null;
  return { forbidden: name + ' is ' + describeOrigin(doc) + ' and is read-only here; publish it where it comes from.' };
}

/**
 * Who may change a package: on a live one its maintainers; on a name its maintainers unpublished,
 * only they (anyone may create a new name). Admins may change any. Stars are the one exception,
 * which checkWrite allows for itself.
 */
export function maintainerVerdict(oldDoc: PackageDoc | null, name: string, actor: Actor): Verdict {
  if (actor.isAdmin) return null;
  const live = livePackage(oldDoc);
  if (live) {
    if (isMaintainer(live.maintainers, actor.name)) return null;
    return { forbidden: 'You are not a maintainer of ' + name + '. Only maintainers of ' + name + ' may change it; one of them can add you with `npm owner add ' + String(actor.name) + ' ' + name + '`.' };
  }
  if (oldDoc && oldDoc.maintainers && oldDoc.maintainers.length > 0 && !isMaintainer(oldDoc.maintainers, actor.name)) {
    return { forbidden: 'The name ' + name + ' belonged to other maintainers, who unpublished it; only they can publish it again.' };
  }
  return null;
}

/** A published version stays as published: `version` of the live package can never be published again. */
export function republishVerdict(name: string, version: string, live: PackageDoc | null): Verdict {
  if (!live || !has(live.versions, version)) return null;
  return { forbidden: 'You cannot publish over the previously published version ' + version + ' of ' + name + '. It is published and cannot be changed (only its deprecation can); publish a new version.' };
}

/**
 * What a package's history allows, whoever writes: a foreign package stays foreign and a published
 * one published, published versions stay as they are, a version number once used is never used
 * again, not even with other build metadata, and the publish time of every version is kept.
 */
export function historyVerdict(newDoc: PackageDoc, oldDoc: PackageDoc | null): Verdict {
  const live = livePackage(oldDoc);
  if (live) {
    if (isForeign(live) && !isForeign(newDoc)) {
      return { forbidden: newDoc._id + ' is hosted elsewhere (' + String(live.url) + '): a foreign package cannot be turned into a published one, so it cannot receive versions.' };
    }
    if (!isForeign(live) && isForeign(newDoc)) {
      return { forbidden: newDoc._id + ' is a package published to this registry: a published package cannot be turned into a foreign package.' };
    }
  }
  return (live ? immutableVersions(newDoc, live) : null) || reusedVersion(newDoc, oldDoc) || buildTwinVerdict(newDoc, oldDoc);
}

/** The rules of every write to the registry database: what validate_doc_update throws. */
export function checkWrite(newDoc: PackageDoc, oldDoc: PackageDoc | null, userCtx: UserCtx, registryId: string, maxTarballBytes?: number, allowPrivateForeignUrls?: boolean): Verdict {
  // First, before any rule walks the document (CouchDB stored a 10,000-deep one it was given).
  if (nestsDeeperThan(newDoc, MAX_NESTING)) return { forbidden: nestingProblem('The document ' + newDoc._id) };
  const actor = actorOf(userCtx);
  return packageRules(newDoc, oldDoc, actor, registryId, maxTarballBytes) || foreignAddressVerdict(newDoc, actor.isAdmin, allowPrivateForeignUrls === true);
}

/**
 * The rules of a write through the registry's own update handlers: checkWrite, and for server
 * admins as well the package's history (historyVerdict): an admin using npm may act for any
 * maintainer, but not rewrite what was published. Replication and mirroring, which write as
 * admins directly, are held to checkWrite alone.
 */
export function checkHandlerWrite(newDoc: PackageDoc, oldDoc: PackageDoc | null, userCtx: UserCtx, registryId: string, maxTarballBytes?: number, allowPrivateForeignUrls?: boolean): Verdict {
  const verdict = checkWrite(newDoc, oldDoc, userCtx, registryId, maxTarballBytes, allowPrivateForeignUrls);
  if (verdict || !actorOf(userCtx).isAdmin) return verdict;
  return historyVerdict(newDoc, oldDoc);
}

/** What setup writes into the design document that the rules depend on (couchapp/lib/settings.ts). */
export interface WriteSettings {
  id: string;
  maxBodyBytes: number;
  allowPrivateForeignUrls: boolean;
}

/** An update handler's last step: its refusal of the document it is about to return, or null. */
export function handlerRefusal(newDoc: PackageDoc, oldDoc: PackageDoc | null, userCtx: UserCtx, s: WriteSettings): Failure | null {
  const verdict = checkHandlerWrite(newDoc, oldDoc, userCtx, s.id, largestTarball(s.maxBodyBytes), s.allowPrivateForeignUrls);
  return verdict ? failureOf(verdict) : null;
}

function packageRules(newDoc: PackageDoc, oldDoc: PackageDoc | null, actor: Actor, registryId: string, maxTarballBytes?: number): Verdict {
  if (newDoc._id.indexOf('_design/') === 0) return actor.isAdmin ? null : { forbidden: 'Only administrators may change design documents.' };
  const login = loginVerdict(actor);
  if (login) return login;
  if (!actor.isAdmin) {
    const edit = ordinaryEdit(newDoc, oldDoc);
    if (edit) return edit;
  }
  const live = livePackage(oldDoc);
  const limit = typeof maxTarballBytes === 'number' ? maxTarballBytes : Infinity;

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
    // This registry's id is no secret (every packument shows its origin). A replicated write
    // (new_edits=false, see ordinaryEdit) claiming it would make a copy from elsewhere count as
    // published here; what is published here is written by ordinary edits only.
    if (isLocal(newDoc, registryId) && ordinaryEdit(newDoc, oldDoc)) {
      return { forbidden: newDoc._id + ' carries this registry\'s origin but arrives as a replicated revision; only packages published here may carry it.' };
    }
    return null;
  }
  const readOnly = readOnlyVerdict(live || oldDoc, newDoc._id, registryId);
  if (readOnly) return readOnly;
  if (!isLocal(newDoc, registryId)) return { forbidden: 'Packages written here must carry this registry as their origin.' };

  const access = maintainerVerdict(oldDoc, newDoc._id, actor);
  if (access) {
    // Anyone may star or unstar a package, as themselves only.
    if (live && jsonEqual(without(newDoc, ['_rev', 'users']), without(live, ['_rev', 'users'])) && onlyOwnStar(newDoc.users, live.users, actor.name as string)) return null;
    return access;
  }
  if (!live && !isMaintainer(newDoc.maintainers, actor.name)) return { forbidden: MUST_MAINTAIN };
  return historyVerdict(newDoc, oldDoc) || ownVersions(newDoc, live, actor.name as string) || tarballs(newDoc, live, limit);
}

/**
 * Users write only ordinary edits: the document they send names the revision it replaces, which
 * is the one validate_doc_update is shown as oldDoc. With new_edits=false (a replicator's write)
 * CouchDB shows the new revision's own _rev and, for a made-up history, no oldDoc at all, so a
 * user could otherwise graft a competing branch that wins by revision depth (docs/couchdb.md §12).
 */
function ordinaryEdit(doc: PackageDoc, old: PackageDoc | null): Verdict {
  const rev = doc._rev === undefined ? null : doc._rev;
  const oldRev = old && old._rev !== undefined ? old._rev : null;
  if (rev === oldRev) return null;
  return { forbidden: 'Only ordinary edits of ' + doc._id + ' are accepted: send it with its current _rev (new_edits=false and made-up revision histories are for server admins).' };
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
    if (!jsonEqual(without(after[v], ['deprecated']), without(before[v], ['deprecated']))) return republishVerdict(doc._id, v, live);
  }
  return null;
}

function reusedVersion(doc: PackageDoc, old: PackageDoc | null): Verdict {
  const used = (old && old.time) || {};
  const before = (livePackage(old) && (old as PackageDoc).versions) || {};
  for (const v of Object.keys(doc.versions || {})) {
    if (!has(before, v) && has(used, v)) return { forbidden: 'Version ' + v + ' of ' + doc._id + ' was published before and unpublished; a version number can never be reused.' };
  }
  // Forgetting when a version was published would let its number be used again.
  const nowTime = doc.time || {};
  for (const v of Object.keys(used)) {
    if (isValidVersion(v) && !has(nowTime, v)) return { forbidden: 'The publish time of ' + doc._id + '@' + v + ' must be kept.' };
  }
  return null;
}

/**
 * The build-metadata part of "a version number is used once": a version new in this write may not
 * differ only in build metadata from another version of the document, or from one it ever had
 * (its `time`). Replication and mirroring copy what upstream has, so checkWrite holds users to it.
 */
function buildTwinVerdict(doc: PackageDoc, old: PackageDoc | null): Verdict {
  if (doc._deleted || !isObject(doc.versions)) return null;
  const before = (old && !old._deleted && old.versions) || {};
  const known = Object.keys(doc.versions).concat(Object.keys(doc.time || {}), Object.keys((old && old.time) || {}));
  for (const v of Object.keys(doc.versions)) {
    if (has(before, v)) continue;
    const twin = buildTwin(v, known);
    if (twin) return { forbidden: buildTwinProblem(doc._id, v, twin) };
  }
  return null;
}

/**
 * A user (not an admin, so replication and mirroring are not held to it) may not point a foreign
 * package at a private address unless the operator allows them (urlAddressProblem says why).
 */
function foreignAddressVerdict(doc: PackageDoc, isAdmin: boolean, allowPrivate: boolean): Verdict {
  if (isAdmin || allowPrivate || doc._deleted || !isForeign(doc) || typeof doc.url !== 'string') return null;
  const problem = urlAddressProblem(doc.url);
  return problem ? { forbidden: problem } : null;
}

/** A published version's tarball goes only with the version: the verdict on removing `file`. */
export function publishedTarballVerdict(name: string, file: string, versions: Record<string, unknown> | undefined): Verdict {
  const v = versionOfFile(name, file, versions || {});
  if (v === null) return null;
  return { forbidden: 'The tarball ' + file + ' belongs to the published version ' + v + ' of ' + name + '; it can only go when that version is unpublished.' };
}

/**
 * The tarballs of a package published here are the ones its publishes attached, and nothing else:
 * a published version's tarball stays exactly as it was until the version itself is unpublished,
 * every version listed has its tarball here at the registry's own address, and a new attachment
 * is the tarball of a new version, of the type and within the size a publish gives it.
 *
 * What this cannot check: validate_doc_update never sees attachment bytes (CouchDB hands it stubs:
 * content_type, length and, once stored, an md5 digest). So a maintainer who writes the document
 * directly instead of through the publish handler can store a new version whose dist.integrity
 * does not match its tarball; npm then refuses to install that version (EINTEGRITY). That harms
 * only the maintainer's own package, which they could replace anyway by publishing other bytes.
 */
function tarballs(doc: PackageDoc, live: PackageDoc | null, limit: number): Verdict {
  const name = doc._id;
  const before = (live && live._attachments) || {};
  const after = doc._attachments || {};
  const published = (live && live.versions) || {};
  const versions = doc.versions || {};
  for (const v of Object.keys(published)) {
    const file = tarballFile(name, v);
    if (!has(before, file)) continue;
    if (!has(after, file)) {
      if (has(versions, v)) return publishedTarballVerdict(name, file, versions);
    } else if (!sameAttachment(after[file], before[file])) {
      return { forbidden: 'The tarball ' + file + ' of ' + name + '@' + v + ' is published and cannot be replaced.' };
    }
  }
  for (const file of Object.keys(after)) {
    const v = versionOfFile(name, file, versions);
    if (v === null) {
      // Attachments stored before this rule existed may stay as they are; DELETE /:pkg/-/:file removes them.
      if (has(before, file) && sameAttachment(after[file], before[file])) continue;
      return { forbidden: 'Only the tarballs of its versions may be attached to ' + name + ', and ' + file + ' is not one.' };
    }
    if (has(published, v)) {
      if (!has(before, file)) return { forbidden: 'Version ' + v + ' of ' + name + ' was published without its tarball; one cannot be added later. Unpublish that version.' };
      continue;
    }
    const problem = newTarballProblem(after[file], file, limit);
    if (problem) return { forbidden: problem };
  }
  for (const v of Object.keys(versions)) {
    const file = tarballFile(name, v);
    if (!has(after, file)) return { forbidden: 'Version ' + v + ' of ' + name + ' has no tarball here; publish versions with `npm publish` (and unpublish one that lost its tarball).' };
    const dist = versions[v].dist;
    if (dist.tarball !== tarballPath(name, v)) {
      return { forbidden: 'Version ' + v + ' of ' + name + ' must give its tarball as ' + tarballPath(name, v) + ', the registry\'s own address for it.' };
    }
  }
  return null;
}

/** The version whose tarball `file` is, or null. */
function versionOfFile(name: string, file: string, versions: Record<string, unknown>): string | null {
  for (const v of Object.keys(versions)) if (tarballFile(name, v) === file) return v;
  return null;
}

/**
 * Whether an attachment is the stored one unchanged. On CouchDB a stub the writer sent is merged
 * with the stored attachment before validation, so it carries the stored digest, length and type;
 * new bytes carry no digest yet, or one the client claimed, which CouchDB checks against the bytes
 * before it stores them (couch_db:with_stream). The stand-in shows new bytes as `data`.
 */
function sameAttachment(a: unknown, b: unknown): boolean {
  if (!isObject(a) || !isObject(b)) return false;
  if (a.data !== undefined || a.follows !== undefined) return false;
  return typeof a.digest === 'string' && a.digest === b.digest && a.length === b.length && a.content_type === b.content_type;
}

function newTarballProblem(att: unknown, file: string, limit: number): string | null {
  if (!isObject(att)) return 'The tarball ' + file + ' is not an attachment.';
  if (att.content_type !== TARBALL_TYPE) return 'The tarball ' + file + ' must be stored as ' + TARBALL_TYPE + ', not ' + String(att.content_type) + '.';
  const bytes = attachmentBytes(att);
  if (bytes === null) return 'The size of the tarball ' + file + ' is not known; publish it with `npm publish`.';
  if (bytes > limit) return 'The tarball ' + file + ' is ' + bytes + ' bytes; this registry accepts tarballs of at most ' + limit + ' bytes.';
  return null;
}

/** An attachment's size in bytes: CouchDB gives `length`; the stand-in may give the data itself. */
function attachmentBytes(att: Record<string, unknown>): number | null {
  const data = att.data as unknown;
  if (typeof data === 'string') {
    const b64 = data.replace(/\s+/g, '');
    const pad = b64.charAt(b64.length - 1) === '=' ? (b64.charAt(b64.length - 2) === '=' ? 2 : 1) : 0;
    return Math.floor(b64.length / 4) * 3 - pad;
  }
  if (data !== undefined && data !== null && typeof (data as { length?: unknown }).length === 'number') return (data as { length: number }).length;
  return typeof att.length === 'number' ? att.length : null;
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
