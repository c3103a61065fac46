// The body `npm publish` sends (npm 11, libnpmpublish) for one version of a synthetic package,
// with a small real tarball: headers encoded by the `tar` package, gzip from zlib, all in memory
// and with npm's fixed mtime, so the same package gives the same bytes on every run.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import { tarballPath } from '../shared/package-name';
import type { PackageSpec } from './synthetic';

/** npm pack stamps every entry with this date so tarballs are reproducible. */
const NPM_MTIME = new Date('1985-10-26T08:15:00.000Z');
const BLOCK = 512;

export function manifestOf(spec: PackageSpec, version: string): Record<string, unknown> {
  const manifest: Record<string, unknown> = {
    name: spec.name,
    version,
    description: spec.description,
    keywords: spec.keywords,
    main: 'index.js',
    license: 'MIT',
  };
  if (Object.keys(spec.dependencies).length > 0) manifest.dependencies = spec.dependencies;
  return manifest;
}

export function readmeOf(spec: PackageSpec): string {
  return '# ' + spec.name + '\n\n' + spec.description + '\n';
}

/** A gzipped tar with package/package.json, package/index.js and package/README.md. */
export function makeTarball(files: Record<string, string>): Buffer {
  const parts: Buffer[] = [];
  for (const [path, text] of Object.entries(files)) {
    const data = Buffer.from(text, 'utf8');
    const header = new Header({ path: 'package/' + path, mode: 0o644, size: data.length, mtime: NPM_MTIME, type: 'File', uid: 0, gid: 0 });
    const block = Buffer.alloc(BLOCK);
    header.encode(block, 0);
    parts.push(block, data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  // Two empty blocks end a tar archive.
  parts.push(Buffer.alloc(BLOCK * 2));
  return gzipSync(Buffer.concat(parts), { level: 9 });
}

export function tarballFor(spec: PackageSpec, version: string): Buffer {
  const manifest = manifestOf(spec, version);
  return makeTarball({
    'package.json': JSON.stringify(manifest, null, 2) + '\n',
    'index.js': 'module.exports = ' + JSON.stringify(spec.name + '@' + version) + ';\n',
    'README.md': readmeOf(spec),
  });
}

/** The JSON body of `PUT <registry>/<name>` for one version, as npm sends it. */
export function publishBody(spec: PackageSpec, version: string, registryUrl: string): Record<string, unknown> {
  const manifest = manifestOf(spec, version);
  const tgz = tarballFor(spec, version);
  // npm names the attachment after the full name (with the scope); the registry renames it.
  const file = spec.name + '-' + version + '.tgz';
  return {
    _id: spec.name,
    name: spec.name,
    description: spec.description,
    'dist-tags': { latest: version },
    versions: {
      [version]: {
        ...manifest,
        readme: readmeOf(spec),
        readmeFilename: 'README.md',
        _id: spec.name + '@' + version,
        _nodeVersion: process.versions.node,
        _npmVersion: '11.0.0',
        dist: {
          integrity: 'sha512-' + createHash('sha512').update(tgz).digest('base64'),
          shasum: createHash('sha1').update(tgz).digest('hex'),
          tarball: registryUrl + tarballPath(spec.name, version),
        },
      },
    },
    access: null,
    _attachments: { [file]: { content_type: 'application/octet-stream', data: tgz.toString('base64'), length: tgz.length } },
  };
}
