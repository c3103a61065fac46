// An npm registry in memory for the pull-through workload: the benchmark's dependency graph as
// packuments and tarballs, served by a plain Node HTTP server on loopback, as fast as a registry
// can answer. It is the upstream the pull-through fetches from, and the "direct install" baseline.
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { nameSegment, tarballPath } from '../shared/package-name';
import { manifestOf, readmeOf, tarballFor } from './publish-body';
import type { DependencyGraph } from './synthetic';

export interface StaticUpstream {
  /** http://127.0.0.1:PORT/ with its trailing slash, as npm is given a registry */
  url: string;
  /** Requests answered, packuments and tarballs. */
  requests: number;
  close(): Promise<void>;
}

export async function startStaticUpstream(graph: DependencyGraph): Promise<StaticUpstream> {
  const packuments = new Map<string, Buffer>();
  const tarballs = new Map<string, Buffer>();
  let url = '';
  const server: Server = createServer((req, res) => {
    state.requests++;
    const path = (req.url || '/').split('?')[0].slice(1);
    const tgz = tarballs.get(path);
    const body = tgz || packuments.get(path.replace(/^@([^/%]+)\//, '@$1%2f').replace('%2F', '%2f'));
    if (!body) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"Not found"}');
      return;
    }
    res.writeHead(200, { 'content-type': tgz ? 'application/octet-stream' : 'application/json', 'content-length': body.length });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  url = 'http://127.0.0.1:' + (server.address() as AddressInfo).port + '/';
  for (const spec of [...graph.packages, graph.root]) {
    const versions: Record<string, unknown> = {};
    const time: Record<string, string> = { created: '2026-01-01T00:00:00.000Z' };
    for (const version of spec.versions) {
      const tgz = tarballFor(spec, version);
      tarballs.set(tarballPath(spec.name, version).replace('%2f', '/'), tgz);
      versions[version] = {
        ...manifestOf(spec, version),
        _id: spec.name + '@' + version,
        dist: {
          integrity: 'sha512-' + createHash('sha512').update(tgz).digest('base64'),
          shasum: createHash('sha1').update(tgz).digest('hex'),
          tarball: url + tarballPath(spec.name, version).replace('%2f', '/'),
        },
      };
      time[version] = '2026-01-01T00:00:00.000Z';
    }
    const latest = spec.versions[spec.versions.length - 1];
    const packument = {
      _id: spec.name, name: spec.name, description: spec.description, 'dist-tags': { latest }, versions, time,
      maintainers: [{ name: 'bench-upstream' }], readme: readmeOf(spec),
    };
    packuments.set(nameSegment(spec.name), Buffer.from(JSON.stringify(packument)));
  }
  const state: StaticUpstream = {
    url,
    requests: 0,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
  return state;
}
