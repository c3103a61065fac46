// Builds the body `npm publish` sends (docs/npm-protocol.md §5) for tests that speak HTTP directly.
import { createHash } from 'node:crypto';
import { makeTarball as tarOf } from '../../src/bench/publish-body';

/** A gzipped npm package tarball (package/package.json, index.js and `files`), built in memory. */
export function makeTarball(manifest: Record<string, unknown>, files: Record<string, string> = {}): Buffer {
  return tarOf({ 'package.json': JSON.stringify(manifest), 'index.js': 'module.exports = 1;\n', ...files });
}

export interface PublishBody {
  _id: string;
  name: string;
  description?: string;
  'dist-tags': Record<string, string>;
  versions: Record<string, any>;
  access: string | null;
  _attachments: Record<string, { content_type: string; data: string; length: number }>;
  [k: string]: unknown;
}

export function publishBody(name: string, version: string, opts: { tag?: string; deps?: Record<string, string>; tarball?: Buffer; registry?: string } = {}): PublishBody {
  const manifest: Record<string, unknown> = { name, version, description: 'test package ' + name, main: 'index.js', license: 'MIT' };
  if (opts.deps) manifest.dependencies = opts.deps;
  const tgz = opts.tarball || makeTarball(manifest);
  const integrity = 'sha512-' + createHash('sha512').update(tgz).digest('base64');
  const shasum = createHash('sha1').update(tgz).digest('hex');
  const file = name + '-' + version + '.tgz';
  return {
    _id: name,
    name,
    description: manifest.description as string,
    'dist-tags': { [opts.tag || 'latest']: version },
    versions: {
      [version]: {
        ...manifest,
        readme: '# ' + name + '\n',
        readmeFilename: 'README.md',
        _id: name + '@' + version,
        _nodeVersion: '20.20.2',
        _npmVersion: '11.19.1',
        dist: { integrity, shasum, tarball: (opts.registry || 'http://localhost/') + name + '/-/' + file },
      },
    },
    access: null,
    _attachments: { [file]: { content_type: 'application/octet-stream', data: tgz.toString('base64'), length: tgz.length } },
  };
}
