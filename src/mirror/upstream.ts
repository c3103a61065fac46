// The upstream registry as the mirror sees it: packuments, tarballs and a CouchDB-shaped change
// feed (`GET <changes>?since=S&limit=N` → {results:[{seq,id,changes,deleted}], last_seq}), which
// is what the public registry's replication endpoint serves since 2025, without documents.
import { UpstreamBadData } from './errors';
import { getWithRetry, splitCredentials, type Fetched, type RetryNote, type RetryPolicy } from './http';

export type Seq = string | number;

export interface Change {
  seq: Seq;
  id: string;
  changes?: Array<{ rev?: string }>;
  deleted?: boolean;
}

export interface ChangesPage {
  results: Change[];
  last_seq: Seq;
}

/** How a package name goes into a URL path: npm's escaped form, `@sc%2fbar`. */
export function upstreamPath(name: string): string {
  return encodeURIComponent(name).replace(/^%40/, '@').replace(/%2F/g, '%2f');
}

/** The upstream URL as it is stored and compared: no credentials, no trailing slash. */
export function normalizeUpstream(raw: string): string {
  const u = new URL(raw);
  u.username = '';
  u.password = '';
  u.hash = '';
  return u.href.replace(/\/+$/, '');
}

/**
 * `<upstream>/_changes`, as a CouchDB-backed registry has it; the public registry serves its feed
 * from another host, which is used when the upstream is registry.npmjs.org.
 */
export function defaultChangesUrl(base: string): string {
  const host = new URL(base).hostname;
  if (host === 'registry.npmjs.org' || host === 'registry.npmjs.com') return PUBLIC_CHANGES;
  return base.replace(/\/+$/, '') + '/_changes';
}

export const PUBLIC_CHANGES = 'https://replicate.npmjs.com/registry/_changes';

export class Upstream {
  /** Credential-free, no trailing slash: what origins and messages use. */
  readonly url: string;
  readonly changesUrl: string;
  private readonly base: string;
  private readonly authorization?: string;
  private readonly changesAuth?: string;
  bytes = 0;

  constructor(upstream: string, changesUrl: string | undefined, private readonly policy: RetryPolicy, private readonly note: RetryNote, private readonly signal?: AbortSignal) {
    const split = splitCredentials(upstream);
    this.base = split.url.replace(/\/+$/, '');
    this.authorization = split.authorization;
    this.url = normalizeUpstream(upstream);
    const changes = splitCredentials(changesUrl || defaultChangesUrl(this.base));
    this.changesUrl = changes.url;
    // The upstream's credentials go to the feed only when it lives on the same host.
    this.changesAuth = changes.authorization || (new URL(changes.url).host === new URL(this.base).host ? this.authorization : undefined);
  }

  private async get(url: string, accept: string, authorization?: string, extra: Record<string, string> = {}, redirect: 'follow' | 'manual' = 'follow'): Promise<Fetched> {
    const headers: Record<string, string> = { accept, 'user-agent': 'couch-registry-mirror', ...extra };
    if (authorization) headers.authorization = authorization;
    const r = await getWithRetry(url, headers, this.policy, this.note, this.signal, redirect);
    this.bytes += r.body.length;
    return r;
  }

  private async json(url: string, authorization: string | undefined, what: string): Promise<{ status: number; value: unknown }> {
    const r = await this.get(url, 'application/json', authorization);
    if (r.status === 404) return { status: 404, value: null };
    if (r.status !== 200) throw new UpstreamBadData(what + ' answered HTTP ' + r.status + '.', r.status);
    try {
      return { status: 200, value: JSON.parse(r.body.toString('utf8')) };
    } catch {
      throw new UpstreamBadData(what + ' is not valid JSON.');
    }
  }

  /** The packument, or null when the upstream does not have the package (404). */
  async packument(name: string): Promise<unknown> {
    const r = await this.json(this.base + '/' + upstreamPath(name), this.authorization, 'The upstream packument of ' + name);
    return r.value;
  }

  /**
   * The packument unless it is still the one tagged `etag` (then `notModified`), for the
   * pull-through. A redirect is not followed: a packument cannot be verified, so it must come
   * from the upstream itself.
   */
  async packumentSince(name: string, etag: string | undefined): Promise<{ status: 200; value: unknown; etag?: string } | { status: 304 } | { status: 404 }> {
    const what = 'The upstream packument of ' + name;
    const r = await this.get(this.base + '/' + upstreamPath(name), 'application/json', this.authorization, etag ? { 'if-none-match': etag } : {}, 'manual');
    if (r.status === 304 && etag) return { status: 304 };
    if (r.status === 404) return { status: 404 };
    if (r.status >= 300 && r.status < 400) throw new UpstreamBadData(what + ' answered a redirect to ' + (r.headers.get('location') || 'nowhere') + '; packuments are taken from the upstream itself only.', 502);
    if (r.status !== 200) throw new UpstreamBadData(what + ' answered HTTP ' + r.status + '.', r.status);
    let value: unknown;
    try {
      value = JSON.parse(r.body.toString('utf8'));
    } catch {
      throw new UpstreamBadData(what + ' is not valid JSON.');
    }
    return { status: 200, value, etag: r.headers.get('etag') || undefined };
  }

  /** A tarball's bytes; relative tarball URLs resolve against the upstream. */
  async tarball(tarballUrl: string, label: string): Promise<Buffer> {
    const url = new URL(tarballUrl, this.base + '/').href;
    // Credentials go only to the upstream's own host, as npm does.
    const sameHost = new URL(url).host === new URL(this.base).host;
    const r = await this.get(url, 'application/octet-stream', sameHost ? this.authorization : undefined);
    if (r.status !== 200) throw new UpstreamBadData('The tarball of ' + label + ' answered HTTP ' + r.status + ' at ' + url + '.', r.status);
    return r.body;
  }

  async changes(since: Seq, limit: number): Promise<ChangesPage> {
    const u = new URL(this.changesUrl);
    u.searchParams.set('since', String(since));
    u.searchParams.set('limit', String(limit));
    const r = await this.json(u.href, this.changesAuth, 'The change feed ' + this.changesUrl);
    const page = r.value as ChangesPage | null;
    if (!page || !Array.isArray(page.results) || page.last_seq === undefined) {
      throw new UpstreamBadData('The change feed ' + this.changesUrl + ' did not answer {results, last_seq}; give the right --changes-url.');
    }
    return page;
  }

  /**
   * The feed's current sequence, where following starts when there is no checkpoint: the
   * database info next to the feed (`update_seq`), else CouchDB's `since=now`.
   */
  async currentSeq(): Promise<Seq> {
    const info = await this.json(this.changesUrl.replace(/\/_changes\/?$/, '/'), this.changesAuth, 'The database info of ' + this.changesUrl)
      .catch((e) => {
        if (e instanceof UpstreamBadData) return null;
        throw e;
      });
    const seq = info && info.value && (info.value as { update_seq?: Seq }).update_seq;
    if (typeof seq === 'string' || typeof seq === 'number') return seq;
    return (await this.changes('now', 1)).last_seq;
  }
}
