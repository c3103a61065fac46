// An upstream packument turned into the document this registry stores, without any I/O: the
// same layout as a local publish (tarballs as attachments `<base>-<version>.tgz`, dist.tarball
// relative, readme only at the top), upstream's `_` fields dropped, and the origin that marks it
// as a read-only copy (src/shared/origin.ts).
import { isObject } from '../shared/equal';
import { maintainerList } from '../shared/foreign';
import { tarballFile, tarballPath } from '../shared/package-name';
import type { Maintainer, PackageDoc, VersionManifest } from '../shared/packument';
import { highestVersion, isValidVersion } from '../shared/semver';

export interface MirrorStamp {
  /** The upstream URL, without credentials or trailing slash. */
  upstream: string;
  /** When the packument was fetched. */
  fetched: string;
  /** The upstream document revision, when it has one: the follower skips changes it already has. */
  rev?: string;
}

export interface WantedTarball {
  version: string;
  /** The attachment name. */
  file: string;
  /** Where upstream serves it (dist.tarball as upstream gave it). */
  url: string;
  integrity?: string;
  shasum?: string;
}

export interface Prepared {
  doc: PackageDoc;
  tarballs: WantedTarball[];
  /** Things dropped on the way that npm will not miss, reported to the user. */
  notes: string[];
}

export type Outcome = { ok: true; value: Prepared } | { ok: false; problem: string };

/** Top-level fields rebuilt here, or that must not come from upstream. */
const REBUILT = ['versions', 'dist-tags', 'time', 'maintainers', 'origin', 'mirror', 'unpublished', 'url', 'readme'];

export function originFor(upstream: string): string {
  return 'mirror:' + upstream;
}

/** Whether upstream says the package is gone: npm answers an unpublished name with no versions. */
export function isUnpublishedUpstream(raw: Record<string, unknown>): boolean {
  const versions = raw.versions;
  if (isObject(versions)) return Object.keys(versions).length === 0;
  return isObject(raw.time) && raw.time.unpublished !== undefined;
}

export function prepare(name: string, raw: unknown, stamp: MirrorStamp): Outcome {
  const bad = (why: string): Outcome => ({ ok: false, problem: 'The upstream packument of ' + name + ' ' + why });
  if (!isObject(raw)) return bad('is not a JSON object.');
  if (raw.name !== undefined && raw.name !== name) return bad('names ' + JSON.stringify(raw.name) + ' instead.');
  if (raw._id !== undefined && raw._id !== name) return bad('has the _id ' + JSON.stringify(raw._id) + '.');
  if (!isObject(raw.versions)) return bad('has no versions.');
  const notes: string[] = [];
  const versions: Record<string, VersionManifest> = {};
  const tarballs: WantedTarball[] = [];
  for (const v of Object.keys(raw.versions)) {
    if (!isValidVersion(v)) {
      notes.push('skipped version ' + JSON.stringify(v) + ': not a valid semantic version');
      continue;
    }
    const m = raw.versions[v];
    if (!isObject(m)) return bad('has a version ' + v + ' that is not an object.');
    if ((m.name !== undefined && m.name !== name) || (m.version !== undefined && m.version !== v)) return bad('has a version ' + v + ' that names another package or version.');
    const dist = m.dist;
    if (!isObject(dist) || typeof dist.tarball !== 'string' || dist.tarball === '') return bad('has a version ' + v + ' without dist.tarball.');
    const integrity = typeof dist.integrity === 'string' ? dist.integrity : undefined;
    const shasum = typeof dist.shasum === 'string' ? dist.shasum : undefined;
    if (!integrity && !shasum) return bad('has a version ' + v + ' with neither dist.integrity nor dist.shasum, so its tarball cannot be verified.');
    tarballs.push({ version: v, file: tarballFile(name, v), url: dist.tarball, integrity, shasum });
    versions[v] = storedManifest(name, v, m, dist);
  }
  const doc: PackageDoc = { _id: name, name };
  for (const k of Object.keys(raw)) {
    if (k.charAt(0) !== '_' && REBUILT.indexOf(k) < 0) doc[k] = raw[k];
  }
  doc.versions = versions;
  doc['dist-tags'] = distTags(raw['dist-tags'], versions, notes);
  doc.time = isObject(raw.time) ? (raw.time as Record<string, string>) : {};
  doc.maintainers = maintainersOf(raw, versions, doc['dist-tags'].latest);
  const readme = readmeOf(raw, doc['dist-tags'].latest);
  if (readme !== undefined) doc.readme = readme;
  doc.origin = originFor(stamp.upstream);
  doc.mirror = stamp;
  return { ok: true, value: { doc, tarballs, notes } };
}

/** The version as a local publish stores it: no readme (only the top keeps one), tarball relative. */
function storedManifest(name: string, v: string, m: Record<string, unknown>, dist: Record<string, unknown>): VersionManifest {
  const out = {} as VersionManifest;
  for (const k of Object.keys(m)) if (k !== 'readme') out[k] = m[k];
  out.name = name;
  out.version = v;
  const d = {} as VersionManifest['dist'];
  for (const k of Object.keys(dist)) d[k] = dist[k];
  d.tarball = tarballPath(name, v);
  out.dist = d;
  return out;
}

function distTags(raw: unknown, versions: Record<string, VersionManifest>, notes: string[]): Record<string, string> {
  const tags: Record<string, string> = {};
  const given = isObject(raw) ? raw : {};
  for (const t of Object.keys(given)) {
    const v = given[t];
    if (typeof v === 'string' && Object.prototype.hasOwnProperty.call(versions, v)) tags[t] = v;
    else notes.push('dropped the dist-tag ' + t + ': it points at ' + JSON.stringify(v) + ', which is not here');
  }
  if (!tags.latest) {
    // npm picks versions by range without it, but `npm view` and readme selection want a latest.
    const all = Object.keys(versions);
    const best = highestVersion(all, false) || highestVersion(all, true);
    if (best) tags.latest = best;
  }
  return tags;
}

/**
 * validate_doc_update wants a non-empty list. Maintainers of a mirrored copy grant nothing here
 * (users cannot change packages from elsewhere), so a placeholder is harmless.
 */
function maintainersOf(raw: Record<string, unknown>, versions: Record<string, VersionManifest>, latest: string | undefined): Maintainer[] {
  const listed = maintainerList(raw.maintainers);
  if (listed) return listed;
  const m = latest ? versions[latest] : undefined;
  const fromVersion = m && (maintainerList(m.maintainers) || (isObject(m._npmUser) ? maintainerList([m._npmUser]) : null));
  return fromVersion || [{ name: 'upstream' }];
}

function readmeOf(raw: Record<string, unknown>, latest: string | undefined): string | undefined {
  if (typeof raw.readme === 'string') return raw.readme;
  const versions = raw.versions as Record<string, unknown>;
  const m = latest ? versions[latest] : undefined;
  return isObject(m) && typeof m.readme === 'string' ? m.readme : undefined;
}

/**
 * The stub left when upstream unpublishes a package that was mirrored: the same live stub a local
 * `npm unpublish --force` leaves (src/shared/packument.ts isUnpublished), so reads give 404 and
 * the name stays read-only here instead of becoming free for anyone to publish.
 */
export function unpublishedStub(name: string, existing: PackageDoc, raw: Record<string, unknown> | null, stamp: MirrorStamp): PackageDoc {
  const time: Record<string, unknown> = {};
  const oldTime = existing.time || {};
  for (const k of Object.keys(oldTime)) time[k] = oldTime[k];
  if (raw && isObject(raw.time)) for (const k of Object.keys(raw.time)) time[k] = raw.time[k];
  if (time.unpublished === undefined) time.unpublished = stamp.fetched;
  const versions = Object.keys(existing.versions || {});
  return {
    _id: name, name, origin: originFor(stamp.upstream), mirror: stamp,
    maintainers: maintainerList(existing.maintainers) || [{ name: 'upstream' }],
    time: time as Record<string, string>, 'dist-tags': {}, versions: {},
    unpublished: { time: stamp.fetched, by: 'upstream', versions: versions },
  };
}
