// Deterministic synthetic packages: the same seed gives the same names, versions, dependency graph
// and search vocabulary on every run and every machine, so two runs measure the same registry.

export interface PackageSpec {
  name: string;
  /** Published in this order; the last one is `latest`. */
  versions: string[];
  dependencies: Record<string, string>;
  description: string;
  keywords: string[];
}

export interface DependencyGraph {
  /** The package a project installs; it pulls in every member of `packages`. */
  root: PackageSpec;
  packages: PackageSpec[];
}

/** mulberry32: tiny, fast, and good enough to pick names; Math.random cannot be seeded. */
export function createRng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Words for names, descriptions and keywords; search terms are drawn from the same list. */
export const VOCABULARY = [
  'alpha', 'array', 'async', 'buffer', 'cache', 'color', 'config', 'crypto', 'date', 'debug',
  'diff', 'event', 'fetch', 'file', 'format', 'graph', 'hash', 'http', 'image', 'json',
  'lexer', 'log', 'map', 'math', 'merge', 'mock', 'parse', 'path', 'promise', 'queue',
  'retry', 'route', 'schema', 'semver', 'shell', 'sort', 'stream', 'string', 'table', 'template',
  'test', 'time', 'token', 'tree', 'url', 'uuid', 'watch', 'yaml',
];
const SCOPES = ['@bench', '@acme', '@tools'];

function pick<T>(rng: () => number, list: readonly T[]): T {
  return list[Math.floor(rng() * list.length)];
}

/**
 * One package per index, named after two words plus a tag and the index so names never collide
 * between sets (the graph, npm publishes, HTTP publishes, growth); one in four is scoped.
 */
function makeSpec(rng: () => number, tag: string, index: number, versionCount: number): PackageSpec {
  const [w1, w2, w3, w4] = [pick(rng, VOCABULARY), pick(rng, VOCABULARY), pick(rng, VOCABULARY), pick(rng, VOCABULARY)];
  const base = w1 + '-' + w2 + '-' + tag + index;
  const name = rng() < 0.25 ? pick(rng, SCOPES) + '/' + base : base;
  const versions: string[] = [];
  for (let i = 0; i < versionCount; i++) versions.push('1.' + i + '.0');
  return { name, versions, dependencies: {}, description: 'A ' + w3 + ' ' + w1 + ' helper for ' + w4 + ' and ' + w2 + '.', keywords: [w1, w3] };
}

/**
 * `size` packages with 1–5 versions each, every one reachable from the root: package i > 0 is a
 * dependency of an earlier package, plus a few extra edges towards later ones (acyclic, and npm
 * dedupes shared packages the way it does in real trees). All ranges are ^1.0.0.
 */
export function dependencyGraph(size: number, seed: number): DependencyGraph {
  const rng = createRng(seed);
  const packages: PackageSpec[] = [];
  for (let i = 0; i < size; i++) packages.push(makeSpec(rng, 'g', i, 1 + Math.floor(rng() * 5)));
  for (let i = 1; i < size; i++) {
    const parent = packages[Math.floor(rng() * i)];
    parent.dependencies[packages[i].name] = '^1.0.0';
  }
  for (let i = 0; i < size - 1; i++) {
    if (rng() < 0.3) {
      const later = packages[i + 1 + Math.floor(rng() * (size - i - 1))];
      packages[i].dependencies[later.name] = '^1.0.0';
    }
  }
  const root: PackageSpec = { name: 'bench-root', versions: ['1.0.0'], dependencies: {}, description: 'The root of the benchmark dependency graph.', keywords: ['bench'] };
  if (size > 0) root.dependencies[packages[0].name] = '^1.0.0';
  // A few more direct dependencies, as a real project has.
  for (let i = 0; i < Math.min(3, size - 1); i++) root.dependencies[packages[1 + Math.floor(rng() * (size - 1))].name] = '^1.0.0';
  return { root, packages };
}

/** `count` single-version packages for the publish and growth workloads. */
export function singlePackages(tag: string, count: number, seed: number): PackageSpec[] {
  const rng = createRng(seed);
  const out: PackageSpec[] = [];
  for (let i = 0; i < count; i++) out.push(makeSpec(rng, tag, i, 1));
  return out;
}

/** Search terms as npm sends them for `npm search WORD`: one lowercase word each. */
export function searchTerms(count: number, seed: number): string[] {
  const rng = createRng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(pick(rng, VOCABULARY));
  return out;
}

/** `count` distinct indexes below `max`, for sampling reads (all of them when count >= max). */
export function sampleIndexes(count: number, max: number, seed: number): number[] {
  const rng = createRng(seed);
  if (count >= max) return Array.from({ length: max }, (_, i) => i);
  const seen = new Set<number>();
  while (seen.size < count) seen.add(Math.floor(rng() * max));
  return [...seen];
}
