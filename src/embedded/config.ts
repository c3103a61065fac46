// CouchDB's configuration model on top of express-pouchdb's CouchConfig. CouchDB config values
// are strings; express-pouchdb JSON-parses them and some of its own code compares numbers, so
// values are stored as strings except where express-pouchdb registered a typed default.
import { chmod, rename, writeFile } from 'node:fs/promises';
import { expectShape } from './shape.js';
import type { CouchConfigStore } from './types.js';

export type ConfigSection = Record<string, string>;

function asString(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export class EmbeddedConfig {
  constructor(
    private readonly store: CouchConfigStore,
    /** the persisted config file (dataDir mode); it holds secrets, so it is kept 0600 */
    private readonly file?: string,
  ) {
    if (file) serializeSaves(store, file);
  }

  get(section: string, key: string): string | undefined {
    return asString(this.store.get(section, key));
  }

  section(section: string): ConfigSection {
    return this.store.getSection(section);
  }

  all(): Record<string, ConfigSection> {
    return this.store.getAll();
  }

  /** Sets a value and resolves with the previous one, as `PUT /_node/_local/_config` replies. */
  async set(section: string, key: string, value: string): Promise<string | undefined> {
    const old = this.get(section, key);
    await new Promise<void>((resolve, reject) =>
      this.store.set(section, key, this.typed(section, key, value), (err) => (err ? reject(err) : resolve())),
    );
    await this.protectFile();
    return old;
  }

  async delete(section: string, key: string): Promise<string | undefined> {
    const old = this.get(section, key);
    await new Promise<void>((resolve, reject) =>
      this.store.delete(section, key, (err) => (err ? reject(err) : resolve())),
    );
    await this.protectFile();
    return old;
  }

  /** Whether a value was set (now or in an earlier run), rather than being a built-in default. */
  isExplicit(section: string, key: string): boolean {
    return this.store._config[section]?.[key] !== undefined;
  }

  /** Drops every key of a section (used to keep exactly one server admin). */
  async clearSection(section: string): Promise<void> {
    for (const key of Object.keys(this.store._config[section] ?? {})) await this.delete(section, key);
  }

  bool(section: string, key: string, fallback: boolean): boolean {
    const value = this.get(section, key);
    return value === undefined ? fallback : value.trim().toLowerCase() === 'true';
  }

  int(section: string, key: string, fallback: number): number {
    const value = Number.parseInt(this.get(section, key) ?? '', 10);
    return Number.isNaN(value) ? fallback : value;
  }

  /** CouchDB 3 reads most HTTP settings from [chttpd], falling back to the legacy [httpd]. */
  chttpd(key: string): string | undefined {
    return this.get('chttpd', key) ?? this.get('httpd', key);
  }

  /** [chttpd_auth] superseded [couch_httpd_auth] in 3.2; both are honoured, newest first. */
  chttpdAuth(key: string): string | undefined {
    return this.get('chttpd_auth', key) ?? this.get('couch_httpd_auth', key);
  }

  /**
   * The Content-Security-Policy CouchDB sends with attachments or show/list responses
   * (`[csp] <component>_enable`, `<component>_header_value`), or undefined when switched off.
   */
  csp(component: 'attachments' | 'showlist'): string | undefined {
    if (!this.bool('csp', `${component}_enable`, true)) return undefined;
    return this.get('csp', `${component}_header_value`) ?? 'sandbox';
  }

  usersDbName(): string {
    return this.chttpdAuth('authentication_db') ?? '_users';
  }

  /** Keep express-pouchdb's typed defaults typed: it adds `timeout` to timestamps, for one. */
  private typed(section: string, key: string, value: string): unknown {
    const fallback = this.store._defaults[section]?.[key];
    if (typeof fallback === 'number' && /^-?\d+$/.test(value.trim())) return Number(value);
    if (typeof fallback === 'boolean' && /^(true|false)$/.test(value.trim())) return value.trim() === 'true';
    return value;
  }

  private async protectFile(): Promise<void> {
    if (this.file) await chmod(this.file, 0o600).catch(() => undefined);
  }
}

/**
 * express-pouchdb saves its config by writing one fixed temporary file and renaming it: two saves
 * at once (setup sets several values in a row) race, and the loser's rename fails. It also writes
 * the file world-readable though it holds the admin hash and the token key. Saves here run one at
 * a time, each through its own temporary file created 0600, always writing the latest config.
 */
function serializeSaves(store: CouchConfigStore, file: string): void {
  let queue: Promise<void> = Promise.resolve();
  let counter = 0;
  const raw = store as unknown as { _save: (cb: (err?: unknown) => void) => void; _file?: unknown };
  expectShape(raw._save, 1, 'express-pouchdb CouchConfig: _save');
  if (!('_file' in raw)) throw new Error('express-pouchdb CouchConfig has no _file: its saves cannot be redirected');
  const original = raw._save.bind(store);
  const hashThenWrite = (cb: (err?: unknown) => void) => {
    // Let express-pouchdb hash any new admin password first (it does so inside _save), but keep
    // its write away from the real file by pointing it at a throwaway path.
    const target = store as unknown as { _file: string | null; _tempFile: string };
    const realFile = target._file;
    target._file = null;
    original(() => {
      target._file = realFile;
      const temp = file + '.' + process.pid + '.' + (counter++) + '.tmp';
      const json = JSON.stringify(store._config, null, 2) + '\n';
      writeFile(temp, json, { mode: 0o600 })
        .then(() => rename(temp, file))
        .then(() => cb(), (err) => cb(err));
    });
  };
  (store as unknown as { _save: (cb?: (err?: unknown) => void) => void })._save = (cb?: (err?: unknown) => void) => {
    const done = typeof cb === 'function' ? cb : () => undefined;
    queue = queue.then(() => new Promise<void>((resolve) => hashThenWrite((err) => { done(err); resolve(); })));
  };
}
