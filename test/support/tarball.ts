// Builds the body `npm publish` sends (npm-protocol.md §5) for tests that speak HTTP directly.
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync, mkdirSync, rmSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tar from 'tar';

export function makeTarball(manifest: Record<string, unknown>, files: Record<string, string> = {}): Buffer {
  const dir = mkdtempSync(join(tmpdir(), 'tgz-'));
  try {
    mkdirSync(join(dir, 'package'));
    writeFileSync(join(dir, 'package', 'package.json'), JSON.stringify(manifest));
    for (const [name, content] of Object.entries({ 'index.js': 'module.exports = 1;\n', ...files })) writeFileSync(join(dir, 'package', name), content);
    tar.c({ gzip: true, cwd: dir, file: join(dir, 'out.tgz'), sync: true, portable: true }, ['package']);
    return readFileSync(join(dir, 'out.tgz'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
