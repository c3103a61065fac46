// Where following stands: the change-feed sequence reached and the names this mirror follows,
// kept in a design document of the registry database. Only server admins can write design
// documents there (CouchDB itself checks that for every `_design/` id, before any
// validate_doc_update runs), where a `_local` document of this publicly readable database could be
// rewritten by anyone, anonymous included: moving `since` ahead would silently skip upstream
// changes, and adding names would make the mirror claim names for upstream copies. `couch-registry
// replicate` copies no design documents, so a replica does not inherit this follower's position.
//
// A checkpoint of an older version in `_local/couch-registry-mirror-…` is not read: with no design
// document the followed names are taken from the packages already mirrored from this upstream
// (their origin, which only admins can write), and following starts at the feed's current sequence.
import { createHash } from 'node:crypto';
import { CouchError } from '../couch/client';
import type { RegistryDb } from './registry';
import { mirroredNames, readAdminDoc, writeAdminDoc } from './registry';
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
  static docId(upstream: string): string {
    return '_design/couch-registry-mirror-' + createHash('sha1').update(upstream).digest('hex').slice(0, 16);
  }

  /**
   * Reads the checkpoint of `upstream`. A different change-feed URL than last time makes the stored
   * sequence meaningless (sequences belong to one feed), so following starts afresh from it.
   */
  static async load(reg: RegistryDb, upstream: string, changesUrl: string, log: (line: string) => void): Promise<Checkpoint> {
    const id = Checkpoint.docId(upstream);
    const found = await readAdminDoc<Stored>(reg, id);
    const stored: Stored = found || { upstream, changesUrl, deps: false, names: await mirroredNames(reg, upstream) };
    if (!found && stored.names.length > 0) {
      log('no checkpoint for ' + upstream + ' yet: following the ' + stored.names.length + ' package(s) already mirrored from it, from its current sequence');
    }
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
    const found = await readAdminDoc<Stored>(this.reg, this.id);
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
        this.stored._rev = await writeAdminDoc(this.reg, this.id, this.stored);
        return;
      } catch (e) {
        // Another mirror run saved meanwhile: keep the union of names, and our own sequence.
        if (!(e instanceof CouchError && e.status === 409) || attempt >= 3) throw e;
        await this.refresh();
      }
    }
  }
}
