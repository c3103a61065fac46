// One package, upstream to registry, in one document write: fetch the packument, verify every
// new tarball, then PUT the document with all versions, the new tarballs inline and the stored
// ones as stubs. Anything wrong (bad packument, a tarball that fails its checksum) and nothing is
// written. A document that is not this mirror's (a private package) is never touched.
import type { Attachment } from '../shared/couch';
import { isObject, jsonEqual, without } from '../shared/equal';
import { describeOrigin, isLocal } from '../shared/origin';
import { livePackage, type PackageDoc } from '../shared/packument';
import { pool, formatBytes, type MirrorContext, type PackageResult, type Status } from './context';
import { dependencyNames } from './deps';
import { UpstreamBadData, messageOf } from './errors';
import { sleep } from './http';
import { isUnpublishedUpstream, prepare, unpublishedStub, type MirrorStamp, type WantedTarball } from './prepare';
import { readPackage, writePackage } from './registry';
import { tarballProblem } from './verify';

const WRITE_ATTEMPTS = 3;

type Built = { doc: PackageDoc; status: Status; message: string } | PackageResult;

/** Tarballs already downloaded and verified, kept across write attempts. */
interface Downloads {
  files: Map<string, Buffer>;
  bytes: number;
}

function result(name: string, status: Status, message: string, doc?: PackageDoc | null, bytes = 0): PackageResult {
  return { name, status, message, bytes, deps: doc ? dependencyNames(doc) : [] };
}

/** Why this mirror must leave the stored document alone, or null when it is this mirror's copy. */
function keptBecause(ctx: MirrorContext, name: string, existing: PackageDoc | null): PackageResult | null {
  if (!existing || existing.origin === ctx.origin) return null;
  if (isLocal(existing, ctx.reg.id)) return result(name, 'kept', 'kept private package ' + name + '; not mirrored');
  return result(name, 'kept', 'kept ' + name + ', which is ' + describeOrigin(existing) + '; not mirrored');
}

function generation(rev: unknown): number | null {
  const m = typeof rev === 'string' ? /^(\d+)-/.exec(rev) : null;
  return m ? Number(m[1]) : null;
}

/**
 * The packument, at least as new as the change that announced it: the public registry's change
 * feed can run ahead of the servers that answer packuments, so an older revision is waited for.
 */
async function freshPackument(ctx: MirrorContext, name: string, rev?: string): Promise<unknown> {
  const wanted = generation(rev);
  for (let attempt = 0; ; attempt++) {
    const raw = await ctx.upstream.packument(name);
    const have = isObject(raw) ? generation(raw._rev) : null;
    if (wanted === null || have === null || have >= wanted) return raw;
    if (attempt >= ctx.retry.retries) {
      ctx.log(name + ': upstream still serves revision ' + have + ' after the change feed announced ' + wanted + '; mirroring what it serves');
      return raw;
    }
    await sleep(Math.min(ctx.retry.maxMs, ctx.retry.baseMs * Math.pow(2, attempt)), ctx.signal);
  }
}

function sameDigests(old: Record<string, unknown>, t: WantedTarball): 'same' | 'changed' | 'unknown' {
  for (const k of ['integrity', 'shasum'] as const) {
    if (typeof old[k] === 'string' && t[k] !== undefined && old[k] !== t[k]) return 'changed';
  }
  return (t.integrity === undefined || old.integrity === t.integrity) && (t.shasum === undefined || old.shasum === t.shasum) ? 'same' : 'unknown';
}

function stampOf(doc: PackageDoc | null): MirrorStamp | null {
  return doc && isObject(doc.mirror) ? (doc.mirror as unknown as MirrorStamp) : null;
}

/** Same content as stored, apart from when it was fetched: writing would only add a revision. */
function unchanged(existing: PackageDoc | null, doc: PackageDoc): boolean {
  if (!existing) return false;
  const a = stampOf(existing);
  const b = stampOf(doc);
  const files = (d: PackageDoc) => Object.keys(d._attachments || {}).sort();
  return jsonEqual(without(existing, ['_rev', '_attachments', 'mirror']), without(doc, ['_rev', '_attachments', 'mirror'])) &&
    jsonEqual(files(existing), files(doc)) && (a && a.rev) === (b && b.rev);
}

async function build(ctx: MirrorContext, name: string, existing: PackageDoc | null, raw: unknown, dl: Downloads): Promise<Built> {
  const stamp: MirrorStamp = { upstream: ctx.upstream.url, fetched: ctx.now() };
  if (isObject(raw) && typeof raw._rev === 'string') stamp.rev = raw._rev;
  if (raw === null || (isObject(raw) && isUnpublishedUpstream(raw))) {
    if (existing && livePackage(existing)) {
      const doc = unpublishedStub(name, existing, isObject(raw) ? raw : null, stamp);
      doc._rev = existing._rev;
      return { doc, status: 'unpublished', message: name + ' was unpublished upstream; left a stub that keeps the name' };
    }
    if (existing) return result(name, 'unchanged', name + ' is unpublished upstream and here');
    return result(name, 'failed', name + ' is not in the upstream registry' + (raw === null ? ' (404)' : ' (unpublished)') + '; nothing to mirror.');
  }
  const prepared = prepare(name, raw, stamp);
  if (!prepared.ok) return result(name, 'failed', prepared.problem + ' Not stored.');
  const { doc, tarballs, notes } = prepared.value;
  const attachments: Record<string, Attachment> = {};
  const needed: WantedTarball[] = [];
  for (const t of tarballs) {
    const old = existing && existing.versions && existing.versions[t.version];
    const stored = existing && existing._attachments && existing._attachments[t.file];
    const same = old && isObject(old.dist) ? sameDigests(old.dist, t) : 'unknown';
    if (same === 'changed') {
      return result(name, 'failed', 'Upstream changed the published tarball of ' + name + '@' + t.version + ' (its digest differs from the mirrored one); ' + name + ' was not updated. Published versions never change on npm: check the upstream.');
    }
    if (same === 'same' && stored) attachments[t.file] = stored;
    else needed.push(t);
  }
  const problems: string[] = [];
  await pool(needed, ctx.tarballConcurrency, async (t) => {
    const label = name + '@' + t.version;
    try {
      let data = dl.files.get(t.file);
      if (!data) {
        data = await ctx.upstream.tarball(t.url, label);
        dl.bytes += data.length;
      }
      const problem = tarballProblem(data, t, label);
      if (problem) return void problems.push(problem);
      dl.files.set(t.file, data);
      attachments[t.file] = { content_type: 'application/octet-stream', data: data.toString('base64') };
    } catch (e) {
      if (!(e instanceof UpstreamBadData)) throw e;
      problems.push(messageOf(e));
    }
  });
  if (problems.length > 0) return result(name, 'failed', problems.join(' ') + ' ' + name + ' was not stored.');
  doc._attachments = attachments;
  if (existing) doc._rev = existing._rev;
  if (needed.length === 0 && unchanged(existing, doc)) return result(name, 'unchanged', name + ': unchanged', existing);
  const count = Object.keys(doc.versions || {}).length;
  const message = name + ': stored ' + count + ' version(s), ' + needed.length + ' new tarball(s) (' + formatBytes(dl.bytes) + ')' +
    (notes.length ? '; ' + notes.join('; ') : '');
  return { doc, status: 'stored', message };
}

/**
 * Brings one package up to date with upstream. `rev` is the revision a change announced: a copy
 * already at that revision is not fetched again. Throws UpstreamUnavailable on an outage.
 */
export async function syncPackage(ctx: MirrorContext, name: string, rev?: string): Promise<PackageResult> {
  const dl: Downloads = { files: new Map(), bytes: 0 };
  let raw: unknown;
  let fetched = false;
  for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
    const existing = await readPackage(ctx.reg, name);
    const kept = keptBecause(ctx, name, existing);
    if (kept) return kept;
    const stamp = stampOf(existing);
    if (rev && stamp && stamp.rev === rev) return result(name, 'unchanged', name + ': already at upstream revision ' + rev, existing);
    if (!fetched) {
      raw = await freshPackument(ctx, name, rev);
      fetched = true;
    }
    const built = await build(ctx, name, existing, raw, dl);
    if (!('doc' in built)) return { ...built, bytes: dl.bytes };
    const w = await writePackage(ctx.reg, built.doc);
    if (w.ok) return result(name, built.status, built.message, built.doc, dl.bytes);
    // Someone wrote meanwhile (perhaps a user publishing the name): read again and decide again.
    if (!w.conflict) return result(name, 'failed', 'The registry refused ' + name + ': ' + w.reason, null, dl.bytes);
  }
  return result(name, 'failed', name + ' kept changing in the registry while it was mirrored; run the mirror again.', null, dl.bytes);
}
