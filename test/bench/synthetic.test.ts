// The benchmark's data set: the same on every run, valid npm names, a graph whose root reaches
// every package, and publish bodies whose tarballs are real and match their integrity.
import { describe, it, expect } from 'vitest';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import * as tar from 'tar';
import { packageNameProblem } from '../../src/shared/package-name';
import { dependencyGraph, singlePackages, searchTerms, sampleIndexes, VOCABULARY } from '../../src/bench/synthetic';
import { publishBody } from '../../src/bench/publish-body';
import { percentile } from '../../src/bench/stats';
import { table } from '../../src/bench/report';

async function tarEntries(tgz: Buffer): Promise<Record<string, string>> {
  const files: Record<string, string> = {};
  const parser = new tar.Parser({
    onReadEntry: (entry) => {
      const chunks: Buffer[] = [];
      entry.on('data', (c: Buffer) => chunks.push(c));
      entry.on('end', () => { files[entry.path] = Buffer.concat(chunks).toString('utf8'); });
    },
  });
  await new Promise<void>((resolve, reject) => {
    parser.on('end', () => resolve());
    parser.on('error', reject);
    Readable.from([tgz]).pipe(parser);
  });
  return files;
}

describe('the benchmark data set', () => {
  it('dependencyGraph is the same for the same seed and reaches every package from the root', () => {
    const g = dependencyGraph(100, 6);
    expect(JSON.stringify(dependencyGraph(100, 6))).toBe(JSON.stringify(g));
    expect(JSON.stringify(dependencyGraph(100, 7))).not.toBe(JSON.stringify(g));
    const byName = new Map(g.packages.map((p) => [p.name, p]));
    const seen = new Set<string>();
    const queue = Object.keys(g.root.dependencies);
    while (queue.length > 0) {
      const name = queue.pop() as string;
      if (seen.has(name)) continue;
      seen.add(name);
      queue.push(...Object.keys((byName.get(name) as { dependencies: Record<string, string> }).dependencies));
    }
    expect(seen.size).toBe(100);
    expect(g.packages.some((p) => p.name.startsWith('@'))).toBe(true);
    expect(g.packages.some((p) => !p.name.startsWith('@'))).toBe(true);
    for (const p of g.packages) expect(p.versions.length >= 1 && p.versions.length <= 5).toBe(true);
  });

  it('every generated name is a valid, unique npm package name', () => {
    const names = [...dependencyGraph(100, 6).packages, ...singlePackages('s', 10000, 9)].map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(packageNameProblem(n), n).toBeNull();
  });

  it('searchTerms and sampleIndexes are deterministic and in range', () => {
    expect(searchTerms(5, 1)).toEqual(searchTerms(5, 1));
    for (const t of searchTerms(50, 2)) expect(VOCABULARY).toContain(t);
    const s = sampleIndexes(20, 100, 3);
    expect(new Set(s).size).toBe(20);
    expect(s.every((i) => i >= 0 && i < 100)).toBe(true);
    expect(sampleIndexes(20, 5, 3)).toEqual([0, 1, 2, 3, 4]);
  });

  it('publishBody carries a real, reproducible tarball whose integrity and shasum match', async () => {
    const spec = { ...dependencyGraph(10, 6).packages[0], name: '@sc/bar' };
    const body = publishBody(spec, '1.0.0', 'http://r.example/') as any;
    expect(JSON.stringify(publishBody(spec, '1.0.0', 'http://r.example/'))).toBe(JSON.stringify(body));
    const att = body._attachments['@sc/bar-1.0.0.tgz'];
    const tgz = Buffer.from(att.data, 'base64');
    expect(att.length).toBe(tgz.length);
    const dist = body.versions['1.0.0'].dist;
    expect(dist.integrity).toBe('sha512-' + createHash('sha512').update(tgz).digest('base64'));
    expect(dist.shasum).toBe(createHash('sha1').update(tgz).digest('hex'));
    expect(dist.tarball).toBe('http://r.example/@sc%2fbar/-/bar-1.0.0.tgz');
    const files = await tarEntries(tgz);
    expect(Object.keys(files).sort()).toEqual(['package/README.md', 'package/index.js', 'package/package.json']);
    expect(JSON.parse(files['package/package.json'])).toMatchObject({ name: '@sc/bar', version: '1.0.0', dependencies: spec.dependencies });
  });
});

describe('the benchmark report', () => {
  it('percentile takes the nearest observed rank', () => {
    expect(percentile([5, 1, 3], 50)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
  });

  it('table pads text left and numbers right', () => {
    expect(table(['path', 'req/s'], [['a', 5], ['long path', 1200]])).toEqual(['path       req/s', 'a              5', 'long path   1200']);
  });
});
