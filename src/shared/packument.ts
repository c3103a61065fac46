// The stored package document and the packuments served from it. The stored document is already
// the packument npm reads, except for two things fixed on the way out: tarball URLs are stored
// relative to the registry (so they follow the host the client used, and replicated documents
// point at the registry that serves them) and internal fields are dropped. For a package published
// here the served tarball URL is always the registry's own address for that version, whatever the
// stored dist.tarball says: only that address serves the bytes this registry keeps.
import type { Attachment } from './couch';
import { tarballPath } from './package-name';

export interface Maintainer {
  name: string;
  email?: string;
}

export interface VersionManifest {
  name: string;
  version: string;
  dist: { tarball: string; integrity?: string; shasum?: string; [k: string]: unknown };
  deprecated?: string;
  [key: string]: unknown;
}

export interface PackageDoc {
  _id: string;
  _rev?: string;
  _deleted?: boolean;
  _attachments?: Record<string, Attachment>;
  name: string;
  'dist-tags'?: Record<string, string>;
  versions?: Record<string, VersionManifest>;
  time?: Record<string, string>;
  maintainers?: Maintainer[];
  /** Set on a foreign package: a package hosted elsewhere that GET /:pkg redirects to. */
  url?: string;
  /** Which registry the document comes from (see origin.ts). */
  origin?: string;
  /** Set by CouchDB when replication left competing revisions of this document. */
  _conflicts?: string[];
  [key: string]: unknown;
}

export function isForeign(doc: { url?: unknown; versions?: unknown }): boolean {
  return typeof doc.url === 'string' && !doc.versions;
}

/**
 * A wholly unpublished package stays as a live stub ({versions: {}, unpublished: {…}}) rather
 * than a deleted document: CouchDB hands validate_doc_update no old document when a deleted one
 * is re-created, so only a live stub lets it hold the name for the former maintainers and keep
 * the used version numbers.
 */
export function isUnpublished(doc: object): boolean {
  const u = (doc as { unpublished?: unknown }).unpublished;
  return u !== undefined && u !== null;
}

/** The document if it is a package that currently exists (published or foreign), else null. */
export function livePackage(doc: PackageDoc | null | undefined): PackageDoc | null {
  return doc && !doc._deleted && doc.name && !isUnpublished(doc) ? doc : null;
}

/** Fields of a version that npm needs to install it: the "corgi" (abbreviated) manifest. */
const INSTALL_FIELDS = [
  'name', 'version', 'deprecated', 'dependencies', 'optionalDependencies', 'devDependencies',
  'bundleDependencies', 'bundledDependencies', 'peerDependencies', 'peerDependenciesMeta',
  'acceptDependencies', 'bin', 'directories', 'dist', 'engines', 'os', 'cpu', 'libc', 'funding',
  'license', '_hasShrinkwrap', 'hasInstallScript',
];

/** Document fields that never leave the registry. */
const PRIVATE_FIELDS = ['_attachments', '_revisions', '_conflicts', '_deleted_conflicts', '_revs_info', '_local_seq'];

export function absoluteTarball(tarball: string, base: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(tarball) ? tarball : base + tarball;
}

/** How tarball URLs are served: `own` for a package published here (see the top of this file). */
export interface TarballBase {
  base: string;
  own: boolean;
  /** Versions of an upstream copy whose tarball is not attached yet: their path under `base`. */
  pending?: Record<string, string>;
}

function withTarball(doc: PackageDoc, v: string, manifest: VersionManifest, at: TarballBase): VersionManifest {
  const out: VersionManifest = {} as VersionManifest;
  for (const k of Object.keys(manifest)) out[k] = manifest[k];
  if (manifest.dist && typeof manifest.dist === 'object' && (at.own || typeof manifest.dist.tarball === 'string')) {
    const dist: VersionManifest['dist'] = {} as VersionManifest['dist'];
    for (const k of Object.keys(manifest.dist)) dist[k] = manifest.dist[k];
    const pending = at.pending && Object.prototype.hasOwnProperty.call(at.pending, v) ? at.pending[v] : undefined;
    if (at.own) dist.tarball = at.base + tarballPath(doc.name, v);
    else dist.tarball = pending ? at.base + pending : absoluteTarball(manifest.dist.tarball, at.base);
    out.dist = dist;
  }
  return out;
}

/** The full packument (`Accept: application/json`), with `_id` and `_rev` for npm's write commands. */
export function fullPackument(doc: PackageDoc, at: TarballBase): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(doc)) {
    if (PRIVATE_FIELDS.indexOf(k) >= 0) continue;
    out[k] = doc[k];
  }
  const versions: Record<string, VersionManifest> = {};
  const stored = doc.versions || {};
  for (const v of Object.keys(stored)) versions[v] = withTarball(doc, v, stored[v], at);
  out.versions = versions;
  return out;
}

/** The abbreviated packument npm asks for with `application/vnd.npm.install-v1+json`. */
export function abbreviatedPackument(doc: PackageDoc, at: TarballBase): Record<string, unknown> {
  const versions: Record<string, Record<string, unknown>> = {};
  const stored = doc.versions || {};
  for (const v of Object.keys(stored)) {
    const full = withTarball(doc, v, stored[v], at);
    const small: Record<string, unknown> = {};
    for (const field of INSTALL_FIELDS) {
      if (full[field] !== undefined) small[field] = full[field];
    }
    versions[v] = small;
  }
  const time = doc.time || {};
  return {
    name: doc.name,
    modified: time.modified,
    'dist-tags': doc['dist-tags'] || {},
    versions: versions,
  };
}

/** The manifest of one version, chosen by exact version or by dist-tag. */
export function versionManifest(doc: PackageDoc, versionOrTag: string, at: TarballBase): VersionManifest | null {
  const versions = doc.versions || {};
  const tags = doc['dist-tags'] || {};
  let v = versionOrTag;
  if (!Object.prototype.hasOwnProperty.call(versions, v) && Object.prototype.hasOwnProperty.call(tags, v)) v = tags[v];
  if (!Object.prototype.hasOwnProperty.call(versions, v)) return null;
  return withTarball(doc, v, versions[v], at);
}
