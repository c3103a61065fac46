// `npm publish`: checks what npm sent and merges its one new version into the stored document.
// npm sends only the new version, its one dist-tag and its tarball; maintainers, _npmUser and
// time come from the registry. Pure: the caller passes the user, the time and a tarball digester.
// Who may publish and which versions may be published are rules of src/shared/rules.ts; this
// checks only what the request carries (names, manifest, tags, the tarball's bytes).
import type { Attachment } from './couch';
import { fail, type Failure } from './errors';
import { isObject, MAX_NESTING, nestingProblem, nestsDeeperThan } from './equal';
import { personOf, type Actor } from './actor';
import { packageNameProblem, tarballFile, tarballPath } from './package-name';
import { livePackage, type PackageDoc, type VersionManifest } from './packument';
import { failureOf, historyVerdict, maintainerVerdict, NOT_LOGGED_IN, republishVerdict } from './rules';
import { isValidVersion } from './semver';
import { tagProblem } from './tags';

export interface TarballDigest {
  length: number;
  /** "sha512-<base64>" */
  sha512: string;
  sha1hex: string;
}

/** Decodes the base64 tarball and digests it; throws on data that is not base64. */
export type Digester = (base64: string) => TarballDigest;

/** Top-level fields that follow the manifest of the `latest` version. */
const PACKAGE_FIELDS = ['description', 'keywords', 'homepage', 'repository', 'bugs', 'license', 'author', 'readmeFilename'];

export function publish(old: PackageDoc | null, body: Record<string, unknown>, urlName: string, actor: Actor, now: string, digest: Digester): { ok: true; doc: PackageDoc; version: string } | Failure {
  const name = body.name;
  const nameProblem = packageNameProblem(name);
  if (nameProblem) return fail(400, nameProblem);
  if (name !== urlName || (body._id !== undefined && body._id !== name)) {
    return fail(400, 'The package name in the request (' + String(name) + ') does not match the URL (' + urlName + ').');
  }
  // Before anything copies or compares it: deeply nested values break recursive code downstream.
  if (nestsDeeperThan(body, MAX_NESTING)) return fail(400, nestingProblem('The publish request'));
  const pkg = name as string;
  if (!actor.name) return failureOf(NOT_LOGGED_IN);

  const one = onlyEntry(body.versions, 'version');
  if (!one.ok) return one;
  const version = one.key;
  if (!isValidVersion(version)) return fail(400, 'The version "' + version + '" is not a valid semantic version.');
  const manifest = one.value;
  if (!isObject(manifest)) return fail(400, 'The manifest of version ' + version + ' is not an object.');
  if (manifest.name !== pkg) return fail(400, 'The name in package.json (' + String(manifest.name) + ') does not match the package name ' + pkg + '.');
  if (manifest.version !== version) return fail(400, 'The version in package.json (' + String(manifest.version) + ') does not match ' + version + '.');
  const dist = manifest.dist;
  if (!isObject(dist)) return fail(400, 'Version ' + version + ' has no dist information.');

  const tags = body['dist-tags'];
  if (!isObject(tags)) return fail(400, 'The publish request has no dist-tags.');
  for (const tag of Object.keys(tags)) {
    const problem = tagProblem(tag);
    if (problem) return fail(400, problem);
    if (tags[tag] !== version) return fail(400, 'The dist-tag ' + tag + ' points at ' + String(tags[tag]) + ', not at the version being published (' + version + ').');
  }

  const tarball = checkTarball(body._attachments, pkg, version, dist, digest);
  if (!tarball.ok) return tarball;

  const base = livePackage(old);
  const refused = maintainerVerdict(old, pkg, actor) || republishVerdict(pkg, version, base);
  if (refused) return failureOf(refused);

  const doc = mergeVersion(base, old, pkg, version, manifest as VersionManifest, tags, actor, now);
  const attachments: Record<string, Attachment> = {};
  const stored = (base && base._attachments) || {};
  for (const k of Object.keys(stored)) attachments[k] = stored[k];
  attachments[tarballFile(pkg, version)] = { content_type: 'application/octet-stream', data: tarball.data };
  doc._attachments = attachments;
  const history = historyVerdict(doc, old);
  if (history) return failureOf(history);
  return { ok: true, doc: doc, version: version };
}

function onlyEntry(o: unknown, what: string): { ok: true; key: string; value: unknown } | Failure {
  if (!isObject(o)) return fail(400, 'The publish request has no ' + what + 's.');
  const keys = Object.keys(o);
  if (keys.length !== 1) return fail(400, 'A publish request must carry exactly one ' + what + '; this one has ' + keys.length + '.');
  return { ok: true, key: keys[0], value: o[keys[0]] };
}

function checkTarball(attachments: unknown, pkg: string, version: string, dist: Record<string, unknown>, digest: Digester): { ok: true; data: string } | Failure {
  const one = onlyEntry(attachments, 'tarball attachment');
  if (!one.ok) return one;
  const expected = pkg + '-' + version + '.tgz';
  if (one.key !== expected) return fail(400, 'The tarball is named ' + one.key + '; expected ' + expected + '.');
  const att = one.value;
  if (!isObject(att) || typeof att.data !== 'string' || att.data === '') return fail(400, 'The tarball of ' + pkg + '@' + version + ' is missing or empty.');
  let d: TarballDigest;
  try {
    d = digest(att.data);
  } catch {
    return fail(400, 'The tarball of ' + pkg + '@' + version + ' is not valid base64.');
  }
  if (att.length !== undefined && att.length !== d.length) {
    return fail(400, 'The tarball of ' + pkg + '@' + version + ' is ' + d.length + ' bytes long, but the request says ' + String(att.length) + '.');
  }
  if (typeof dist.integrity !== 'string' && typeof dist.shasum !== 'string') {
    return fail(400, 'Version ' + version + ' has neither dist.integrity nor dist.shasum, so its tarball cannot be verified.');
  }
  if (typeof dist.integrity === 'string' && dist.integrity.indexOf('sha512-') === 0 && dist.integrity.split(/\s+/)[0] !== d.sha512) {
    return fail(400, 'The tarball of ' + pkg + '@' + version + ' does not match its dist.integrity (sha512): it was damaged or altered on the way.');
  }
  if (typeof dist.shasum === 'string' && dist.shasum.toLowerCase() !== d.sha1hex) {
    return fail(400, 'The tarball of ' + pkg + '@' + version + ' does not match its dist.shasum (sha1): it was damaged or altered on the way.');
  }
  return { ok: true, data: att.data };
}

function mergeVersion(base: PackageDoc | null, old: PackageDoc | null, pkg: string, version: string, manifest: VersionManifest,
  tags: Record<string, unknown>, actor: Actor, now: string): PackageDoc {
  const doc: PackageDoc = { _id: pkg, name: pkg };
  if (base) for (const k of Object.keys(base)) doc[k] = base[k];
  if (old && old._rev) doc._rev = old._rev;

  const stored: VersionManifest = {} as VersionManifest;
  for (const k of Object.keys(manifest)) if (k !== 'readme') stored[k] = manifest[k];
  const dist: VersionManifest['dist'] = {} as VersionManifest['dist'];
  for (const k of Object.keys(manifest.dist)) dist[k] = manifest.dist[k];
  dist.tarball = tarballPath(pkg, version);
  stored.dist = dist;
  stored._npmUser = personOf(actor);

  const versions: Record<string, VersionManifest> = {};
  const oldVersions = (base && base.versions) || {};
  for (const v of Object.keys(oldVersions)) versions[v] = oldVersions[v];
  versions[version] = stored;
  doc.versions = versions;

  const distTags: Record<string, string> = {};
  const oldTags = (base && base['dist-tags']) || {};
  for (const t of Object.keys(oldTags)) distTags[t] = oldTags[t];
  for (const t of Object.keys(tags)) distTags[t] = version;
  // npm expects every package to have `latest`: the first version published under any tag gets it.
  if (!distTags.latest) distTags.latest = version;
  doc['dist-tags'] = distTags;

  const time: Record<string, string> = {};
  const oldTime = (old && old.time) || {};
  for (const t of Object.keys(oldTime)) time[t] = oldTime[t];
  if (!time.created) time.created = now;
  time.modified = now;
  time[version] = now;
  doc.time = time;

  if (!base || !doc.maintainers || doc.maintainers.length === 0) doc.maintainers = [personOf(actor)];
  if (distTags.latest === version) {
    for (const f of PACKAGE_FIELDS) {
      if (manifest[f] !== undefined) doc[f] = manifest[f];
      else delete doc[f];
    }
    doc.readme = typeof manifest.readme === 'string' ? manifest.readme : '';
  }
  return doc;
}
