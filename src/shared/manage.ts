// The package writes other than publish: foreign registrations, owners, stars, deprecation,
// unpublish and dist-tags. Each takes the stored document and what npm sent and returns the whole
// new document, so a partial body can never wipe the rest (docs/npm-protocol.md §9–§13). Pure:
// user and time come in. Who may make a change is decided by src/shared/rules.ts.
import { fail, type Failure } from './errors';
import { has, isObject } from './equal';
import { isMaintainer, type Actor } from './actor';
import { encodeNonAscii, maintainerList, urlAddressProblem, urlProblem } from './foreign';
import { packageNameProblem, tarballFile } from './package-name';
import { isForeign, livePackage, type PackageDoc, type VersionManifest } from './packument';
import { failureOf, historyVerdict, maintainerVerdict, MUST_MAINTAIN, NOT_LOGGED_IN } from './rules';
import { highestVersion } from './semver';
import { tagProblem } from './tags';

export type Change = { ok: true; doc: PackageDoc; message: string } | Failure;

function copy(doc: PackageDoc): PackageDoc {
  return JSON.parse(JSON.stringify(doc)) as PackageDoc;
}

/** The live package a maintainer may change, or why not. */
export function maintainedPackage(doc: PackageDoc | null, name: string, actor: Actor, allowForeign: boolean): { ok: true; doc: PackageDoc } | Failure {
  if (!actor.name) return failureOf(NOT_LOGGED_IN);
  const live = livePackage(doc);
  if (!live) return fail(404, 'The package ' + name + ' is not in this registry.');
  if (!allowForeign && isForeign(live)) return fail(400, name + ' is hosted elsewhere (' + String(live.url) + '); change it there.');
  const access = maintainerVerdict(live, name, actor);
  if (access) return failureOf(access);
  return { ok: true, doc: live };
}

function staleRev(doc: PackageDoc, body: Record<string, unknown>): Failure | null {
  if (typeof body._rev === 'string' && body._rev !== doc._rev) {
    return fail(409, 'The package ' + doc._id + ' changed since you read it; run the command again.');
  }
  return null;
}

export interface ForeignOptions {
  /** The operator's choice to allow urls at private addresses (setup --allow-private-foreign-urls). */
  allowPrivate?: boolean;
}

/** PUT /:pkg {name, maintainers, url}: registers or changes a foreign package (see foreign.ts). */
export function registerForeign(old: PackageDoc | null, body: Record<string, unknown>, urlName: string, actor: Actor, now: string, opts: ForeignOptions = {}): { ok: true; doc: PackageDoc } | Failure {
  const name = body.name;
  const nameProblem = packageNameProblem(name);
  if (nameProblem) return fail(400, nameProblem);
  if (name !== urlName || (body._id !== undefined && body._id !== name)) {
    return fail(400, 'The package name in the request (' + String(name) + ') does not match the URL (' + urlName + ').');
  }
  if (!actor.name) return failureOf(NOT_LOGGED_IN);
  // Characters beyond ASCII are sent percent-encoded, as npm's own URL parser would send them.
  const url = typeof body.url === 'string' ? encodeNonAscii(body.url) : body.url;
  const problem = urlProblem(url) || (opts.allowPrivate ? null : urlAddressProblem(url as string));
  if (problem) return fail(400, problem);
  const maintainers = maintainerList(body.maintainers);
  if (!maintainers) return fail(400, 'A foreign package needs a list of maintainers, like [{"name":"alice"}].');
  const access = maintainerVerdict(old, urlName, actor);
  if (access) return failureOf(access);
  const time: Record<string, string> = {};
  const oldTime = (old && old.time) || {};
  for (const k of Object.keys(oldTime)) time[k] = oldTime[k];
  if (!time.created) time.created = now;
  time.modified = now;
  const doc: PackageDoc = { _id: urlName, name: urlName, url: url as string, maintainers: maintainers, time: time };
  if (old && old._rev) doc._rev = old._rev;
  if (typeof body.description === 'string') doc.description = body.description;
  if (isKeywords(body.keywords)) doc.keywords = body.keywords;
  const history = historyVerdict(doc, old);
  if (history) return failureOf(history);
  // The maintainers named in the body must include the writer, whether the name is new or not.
  if (!actor.isAdmin && !isMaintainer(maintainers, actor.name)) return fail(400, MUST_MAINTAIN);
  return { ok: true, doc: doc };
}

function isKeywords(v: unknown): v is string[] {
  return Object.prototype.toString.call(v) === '[object Array]' && (v as unknown[]).every((k) => typeof k === 'string');
}

/** npm owner add/rm: PUT /:pkg/-rev/:rev {_id, _rev, maintainers}. */
export function setOwners(doc: PackageDoc | null, body: Record<string, unknown>, name: string, actor: Actor, now: string): Change {
  const target = maintainedPackage(doc, name, actor, true);
  if (!target.ok) return target;
  const stale = staleRev(target.doc, body);
  if (stale) return stale;
  const list = maintainerList(body.maintainers);
  if (!list) return fail(400, 'A package must keep at least one maintainer.');
  const seen: Record<string, boolean> = {};
  for (const m of list) {
    if (seen[m.name]) return fail(400, m.name + ' is listed twice as a maintainer.');
    seen[m.name] = true;
  }
  const out = copy(target.doc);
  out.maintainers = list;
  out.time = out.time || {};
  out.time.modified = now;
  return { ok: true, doc: out, message: 'maintainers of ' + name + ' are now ' + list.map((m) => m.name).join(', ') };
}

/** npm star/unstar: PUT /:pkg {_id, _rev, users}. Only the caller's own star may change. */
export function setStar(doc: PackageDoc | null, body: Record<string, unknown>, name: string, actor: Actor): Change {
  if (!actor.name) return failureOf(NOT_LOGGED_IN);
  if (!doc || !livePackage(doc)) return fail(404, 'The package ' + name + ' is not in this registry.');
  const wanted = isObject(body.users) ? body.users : {};
  const out = copy(doc);
  const users: Record<string, unknown> = isObject(out.users) ? out.users : {};
  if (wanted[actor.name] === true) users[actor.name] = true;
  else delete users[actor.name];
  out.users = users;
  return { ok: true, doc: out, message: (users[actor.name] ? 'starred ' : 'unstarred ') + name };
}

/**
 * A whole document sent back with _rev: `npm deprecate` (same versions, `deprecated` changed) or
 * `npm unpublish NAME@VERSION` (versions removed). Only those two changes are taken from the body.
 */
export function changeVersions(doc: PackageDoc | null, body: Record<string, unknown>, name: string, actor: Actor, now: string): Change {
  const target = maintainedPackage(doc, name, actor, false);
  if (!target.ok) return target;
  const stale = staleRev(target.doc, body);
  if (stale) return stale;
  const before = target.doc.versions || {};
  const after = isObject(body.versions) ? body.versions : {};
  for (const v of Object.keys(after)) {
    if (!has(before, v)) return fail(400, 'Version ' + v + ' of ' + name + ' does not exist; publish it with `npm publish`.');
  }
  const removed = Object.keys(before).filter((v) => !has(after, v));
  if (removed.length > 0) return unpublishVersions(target.doc, removed, now);
  return deprecate(target.doc, after, now);
}

function deprecate(doc: PackageDoc, sent: Record<string, unknown>, now: string): Change {
  const out = copy(doc);
  const versions = out.versions as Record<string, VersionManifest>;
  const changed: string[] = [];
  for (const v of Object.keys(sent)) {
    const m = sent[v];
    const message = isObject(m) ? m.deprecated : undefined;
    if (message !== undefined && typeof message !== 'string') return fail(400, 'A deprecation message must be a string.');
    const current = versions[v].deprecated;
    if (message === '' || message === undefined) {
      if (current !== undefined) { delete versions[v].deprecated; changed.push(v); }
    } else if (message !== current) {
      versions[v].deprecated = message;
      changed.push(v);
    }
  }
  if (changed.length === 0) return { ok: true, doc: doc, message: 'nothing to change' };
  out.time = out.time || {};
  out.time.modified = now;
  return { ok: true, doc: out, message: 'deprecation changed for ' + changed.join(', ') };
}

function unpublishVersions(doc: PackageDoc, removed: string[], now: string): Change {
  const out = copy(doc);
  const versions = out.versions as Record<string, VersionManifest>;
  for (const v of removed) {
    delete versions[v];
    if (out._attachments) delete out._attachments[tarballFile(doc.name, v)];
  }
  const remaining = Object.keys(versions);
  if (remaining.length === 0) return fail(400, 'That would remove every version of ' + doc.name + '; unpublish the whole package with `npm unpublish ' + doc.name + ' --force`.');
  const tags = out['dist-tags'] || {};
  for (const t of Object.keys(tags)) if (removed.indexOf(tags[t]) >= 0) delete tags[t];
  if (!tags.latest) tags.latest = (highestVersion(remaining, false) || highestVersion(remaining, true)) as string;
  out['dist-tags'] = tags;
  // time keeps the removed versions: their numbers can never be published again.
  out.time = out.time || {};
  out.time.modified = now;
  return { ok: true, doc: out, message: 'unpublished ' + removed.map((v) => doc.name + '@' + v).join(', ') };
}

/** npm unpublish NAME --force: DELETE /:pkg/-rev/:rev. Leaves a stub (see isUnpublished) that
 * remembers the maintainers and every version number ever used; reads then give 404. */
export function unpublishAll(doc: PackageDoc | null, rev: string | undefined, name: string, actor: Actor, now: string): Change {
  const target = maintainedPackage(doc, name, actor, true);
  if (!target.ok) return target;
  if (rev && rev !== target.doc._rev) return fail(409, 'The package ' + name + ' changed since you read it; run the command again.');
  const time: Record<string, string> = {};
  const oldTime = target.doc.time || {};
  for (const k of Object.keys(oldTime)) time[k] = oldTime[k];
  time.modified = now;
  time.unpublished = now;
  const stub: PackageDoc = {
    _id: name, _rev: target.doc._rev, name: name, origin: target.doc.origin, maintainers: target.doc.maintainers, time: time,
    'dist-tags': {}, versions: {},
    unpublished: { time: now, by: actor.name, versions: Object.keys(target.doc.versions || {}) },
  };
  return { ok: true, doc: stub, message: 'unpublished ' + name };
}

/** PUT /-/package/:pkg/dist-tags/:tag with a JSON string body: npm dist-tag add. */
export function addTag(doc: PackageDoc | null, tag: string, rawBody: string, name: string, actor: Actor, now: string): Change {
  const target = maintainedPackage(doc, name, actor, false);
  if (!target.ok) return target;
  const problem = tagProblem(tag);
  if (problem) return fail(400, problem);
  let version: unknown;
  try {
    version = JSON.parse(rawBody);
  } catch {
    return fail(400, 'The body must be the version as a JSON string, like "1.0.0".');
  }
  if (typeof version !== 'string') return fail(400, 'The body must be the version as a JSON string, like "1.0.0".');
  if (!has(target.doc.versions, version)) return fail(404, name + ' has no version ' + version + ' to tag.');
  const out = copy(target.doc);
  const tags = out['dist-tags'] || {};
  if (tags[tag] === version) return { ok: true, doc: target.doc, message: 'nothing to change' };
  tags[tag] = version;
  out['dist-tags'] = tags;
  out.time = out.time || {};
  out.time.modified = now;
  return { ok: true, doc: out, message: tag + ' → ' + version };
}

/** DELETE /-/package/:pkg/dist-tags/:tag: npm dist-tag rm. `latest` stays. */
export function removeTag(doc: PackageDoc | null, tag: string, name: string, actor: Actor, now: string): Change {
  const target = maintainedPackage(doc, name, actor, false);
  if (!target.ok) return target;
  if (tag === 'latest') return fail(400, 'The latest tag cannot be removed; point it at another version with `npm dist-tag add ' + name + '@VERSION latest`.');
  const tags = target.doc['dist-tags'] || {};
  if (!has(tags, tag)) return fail(404, name + ' has no dist-tag ' + tag + '.');
  const out = copy(target.doc);
  delete (out['dist-tags'] as Record<string, string>)[tag];
  out.time = out.time || {};
  out.time.modified = now;
  return { ok: true, doc: out, message: 'removed ' + tag };
}
