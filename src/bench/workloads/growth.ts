// Workload 4, growth: how read latency, search latency and the view index grow with the number of
// packages. A database of its own, filled step by step by direct HTTP PUT; after each fill the
// view index is brought up to date first (timed apart), so the samples measure steady queries.
import { performance } from 'node:perf_hooks';
import { nameSegment } from '../../shared/package-name';
import { head, SEED, type BenchContext, type LineHead } from '../context';
import { answerSummary, timedFetch } from '../http';
import { createRegistry, dropDatabase, type BenchRegistry } from '../registry';
import { publishAll } from '../seed';
import { round, summarize, type LatencySummary } from '../stats';
import { sampleIndexes, searchTerms, singlePackages, VOCABULARY, type PackageSpec } from '../synthetic';
import type { ServerSetup } from '../../couch/setup';

export interface GrowthStep {
  packages: number;
  fillSeconds: number;
  fillPerSecond: number;
  /**
   * Time the first view query waited for the index after the fill: what CouchDB's background
   * indexer (ken) had not yet done, so it shrinks when the fill is slow; not the build cost.
   */
  indexMs: number;
  read: LatencySummary;
  /** `npm search WORD`: one term, whose counts rank the page. */
  search: SearchSample;
  /** `npm search WORD WORD`, two vocabulary words: each is in about 8 % of the packages. */
  searchTwoWords: SearchSample;
  /** `npm search WORD sN`: a vocabulary word and a name part only one package has. */
  searchCommonRare: SearchSample;
  viewIndexBytes: { file: number; active: number };
  databaseBytes: { file: number; active: number };
}

export interface GrowthResult extends LineHead {
  db: string;
  steps: GrowthStep[];
}

interface Sizes { file?: number; active?: number }

type SearchSample = LatencySummary & { statuses: Record<string, number>; meanHits: number };

async function adminJson(ctx: BenchContext, path: string): Promise<any> {
  return ctx.couch.request('GET', path);
}

/** Queries one view of the views design doc with limit=0: CouchDB updates all its views together. */
async function updateIndex(ctx: BenchContext, reg: BenchRegistry): Promise<number> {
  const ddoc = await adminJson(ctx, encodeURIComponent(reg.db) + '/_design/views');
  const view = Object.keys((ddoc && ddoc.views) || {})[0];
  if (!view) return 0;
  const start = performance.now();
  await ctx.couch.request('GET', encodeURIComponent(reg.db) + '/_design/views/_view/' + encodeURIComponent(view), undefined, { qs: { limit: 0 } });
  return performance.now() - start;
}

async function sampleReads(reg: BenchRegistry, specs: PackageSpec[], count: number, step: number): Promise<number[]> {
  const ms: number[] = [];
  for (const i of sampleIndexes(count, step, SEED + step)) {
    const r = await timedFetch(reg.url + nameSegment(specs[i].name), { headers: { accept: 'application/json' } });
    if (r.status !== 200) throw new Error('GET /' + specs[i].name + ' answered ' + answerSummary(r) + ' after it was published.');
    ms.push(r.ms);
  }
  return ms;
}

async function sampleSearches(reg: BenchRegistry, texts: string[]): Promise<SearchSample> {
  const ms: number[] = [];
  const statuses: Record<string, number> = {};
  let hits = 0;
  for (const text of texts) {
    // Followed like npm does: the registry answers a query with redirects to its counts and page.
    const r = await timedFetch(reg.url + '-/v1/search?text=' + encodeURIComponent(text) + '&size=20', { redirect: 'follow' });
    ms.push(r.ms);
    statuses[r.status] = (statuses[r.status] || 0) + 1;
    try { hits += Number(JSON.parse(r.text).total) || 0; } catch { /* a placeholder or an error page: no hits */ }
  }
  return { ...summarize(ms), statuses, meanHits: round(hits / texts.length, 1) };
}

/** Two distinct words per query, as a person types them. */
function twoWordQueries(count: number, seed: number): string[] {
  const words = searchTerms(count * 2, seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const first = words[2 * i];
    let second = words[2 * i + 1];
    if (second === first) second = VOCABULARY[(VOCABULARY.indexOf(first) + 1) % VOCABULARY.length];
    out.push(first + ' ' + second);
  }
  return out;
}

/**
 * A common word and a rare one, as in most real queries: `sN` is a part of exactly one package's
 * name (the growth packages are named `<word>-<word>-s<index>`). N has as many digits as the
 * largest index, so it is no other name part's prefix either (`s12` would prefix `s120`).
 */
function commonRareQueries(count: number, packages: number, seed: number): string[] {
  const words = searchTerms(count, seed);
  const low = Math.floor(packages / 10);
  return sampleIndexes(count, packages - low, seed).map((i, n) => words[n % words.length] + ' s' + (low + i));
}

export async function growth(ctx: BenchContext, server: ServerSetup): Promise<GrowthResult> {
  const reg = await createRegistry(ctx.couch, server, ctx.registry.db + '-growth', ctx.log);
  ctx.atExit(() => dropDatabase(ctx.couch, reg.db));
  const steps = ctx.sizes.growthSteps;
  const specs = singlePackages('s', steps[steps.length - 1], SEED + 3);
  const out: GrowthStep[] = [];
  let have = 0;
  for (const step of steps) {
    const start = performance.now();
    await publishAll(reg, ctx.user, specs.slice(have, step), ctx.sizes.publishConcurrency, 'growth: filling to ' + step + ' packages', ctx.log);
    const fillSeconds = (performance.now() - start) / 1000;
    const filled = step - have;
    have = step;
    ctx.log('growth at ' + step + ' packages: updating the view index, then sampling reads and searches …');
    const indexMs = await updateIndex(ctx, reg);
    const read = summarize(await sampleReads(reg, specs, ctx.sizes.readSample, step));
    const search = await sampleSearches(reg, searchTerms(ctx.sizes.searchSample, SEED + step));
    const searchTwoWords = await sampleSearches(reg, twoWordQueries(ctx.sizes.searchSample, SEED + 2 * step));
    const searchCommonRare = await sampleSearches(reg, commonRareQueries(ctx.sizes.searchSample, step, SEED + 3 * step));
    const info = await adminJson(ctx, encodeURIComponent(reg.db) + '/_design/views/_info');
    const db = await adminJson(ctx, encodeURIComponent(reg.db));
    const view: Sizes = (info && info.view_index && info.view_index.sizes) || {};
    const data: Sizes = (db && db.sizes) || {};
    out.push({
      packages: step,
      fillSeconds: round(fillSeconds, 2),
      fillPerSecond: round(filled / fillSeconds, 1),
      indexMs: round(indexMs, 0),
      read,
      search,
      searchTwoWords,
      searchCommonRare,
      viewIndexBytes: { file: view.file || 0, active: view.active || 0 },
      databaseBytes: { file: data.file || 0, active: data.active || 0 },
    });
    ctx.log('  read p50 ' + read.p50Ms + ' ms, search p50 ' + search.p50Ms + ' ms (' + JSON.stringify(search.statuses) + '), two words p50 ' + searchTwoWords.p50Ms + ' ms, a common and a rare word p50 ' + searchCommonRare.p50Ms + ' ms, view index ' + Math.round((view.file || 0) / 1024) + ' KiB');
  }
  return { ...head(ctx, 'growth'), db: reg.db, steps: out };
}
