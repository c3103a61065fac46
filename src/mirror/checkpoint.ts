// Where following stands, kept in a `_local` document of the registry database: those are
// admin-only and never replicate, so a copy of the database does not inherit this follower's
// position. It holds the change-feed sequence reached and the names this mirror follows.
import { createHash } from 'node:crypto';
import { CouchError } from '../couch/client';
import type { RegistryDb } from './registry';
import { readLocal, writeLocal } from './registry';
import type { Seq } from './upstream';

interface Stored {
  _rev?: string;
  upstream: string;
  changesUrl: string;
  /** The last sequence whose changes are all done; absent until following starts. */
  since?: Seq;
  /** Whether dependencies of new versions are mirrored too (`--deps` was ever given). */
  deps: boolean;
  names: string[];
  updated?: string;
}

export class Checkpoint {
  private constructor(private readonly reg: RegistryDb, readonly id: string, private stored: Stored, readonly names: Set<string>) {}

  /** One checkpoint per upstream, so several upstreams can feed one registry. */
  static localId(upstream: string): string {
    return 'couch-registry-mirror-' + createHash('sha1').update(upstream).digest('hex').slice(0, 16);
  }

  /**
   * Reads the checkpoint of `upstream`. A different change-feed URL than last time makes the stored
   * sequence meaningless (sequences belong to one feed), so following starts afresh from it.
   */
  static async load(reg: RegistryDb, upstream: string, changesUrl: string, log: (line: string) => void): Promise<Checkpoint> {
    const id = Checkpoint.localId(upstream);
    const found = await readLocal<Stored>(reg, id);
    const stored: Stored = found || { upstream, changesUrl, deps: false, names: [] };
    if (found && found.changesUrl !== changesUrl) {
      log('the change feed is now ' + changesUrl + ' (was ' + found.changesUrl + '); following starts again from its current sequence');
      stored.since = undefined;
      stored.changesUrl = changesUrl;
    }
    return new Checkpoint(reg, id, stored, new Set(stored.names || []));
  }

  get since(): Seq | undefined {
    return this.stored.since;
  }

  set since(seq: Seq | undefined) {
    this.stored.since = seq;
  }

  get deps(): boolean {
    return this.stored.deps;
  }

  set deps(on: boolean) {
    this.stored.deps = on;
  }

  /**
   * Takes in names another mirror run added meanwhile (`mirror PKG` while a follower runs), so
   * the follower's next page is filtered with them.
   */
  async refresh(): Promise<void> {
    const found = await readLocal<Stored>(this.reg, this.id);
    if (!found) return;
    for (const n of found.names || []) this.names.add(n);
    if (found.deps) this.stored.deps = true;
    if (this.stored.since === undefined && found.changesUrl === this.stored.changesUrl) this.stored.since = found.since;
    this.stored._rev = found._rev;
  }

  async save(now: string): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      this.stored.names = Array.from(this.names).sort();
      this.stored.updated = now;
      try {
        this.stored._rev = await writeLocal(this.reg, this.id, this.stored);
        return;
      } catch (e) {
        // Another mirror run saved meanwhile: keep the union of names, and our own sequence.
        if (!(e instanceof CouchError && e.status === 409) || attempt >= 3) throw e;
        await this.refresh();
      }
    }
  }
}
