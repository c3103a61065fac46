// Tarball attachments of upstream copies, read and written as raw bytes over CouchDB's HTTP API
// (the nano client speaks JSON). Writes to one document go one after another, since each needs
// the latest _rev; a 409 from another writer re-reads and tries again, so no attachment is lost.
import type { RegistryDb } from '../mirror/registry';
import { readPackage } from '../mirror/registry';

const WRITE_ATTEMPTS = 5;

function docUrl(reg: RegistryDb, name: string): string {
  return encodeURIComponent(reg.db) + '/' + encodeURIComponent(name);
}

function couchFetch(reg: RegistryDb, method: string, path: string, body?: Buffer, contentType?: string): Promise<Response> {
  const target = reg.couch.target.url;
  const headers: Record<string, string> = {};
  if (target.username) headers.authorization = 'Basic ' + Buffer.from(decodeURIComponent(target.username) + ':' + decodeURIComponent(target.password)).toString('base64');
  if (contentType) headers['content-type'] = contentType;
  return fetch(reg.couch.target.origin + '/' + path, { method, headers, body });
}

/** The bytes of an attachment the registry holds. */
export async function readAttachment(reg: RegistryDb, name: string, file: string): Promise<Buffer> {
  const res = await couchFetch(reg, 'GET', docUrl(reg, name) + '/' + encodeURIComponent(file));
  if (!res.ok) throw new Error('Reading the tarball ' + file + ' of ' + name + ' from CouchDB answered ' + res.status + '.');
  return Buffer.from(await res.arrayBuffer());
}

export class AttachmentWriter {
  private readonly queues = new Map<string, Promise<void>>();

  /** `origin`: only a document that is still this upstream's copy is written to. */
  constructor(private readonly reg: RegistryDb, private readonly origin: string, private readonly onError: (message: string) => void) {}

  /** Attaches verified bytes unless the document has that attachment already (or is no longer ours). */
  attach(name: string, file: string, data: Buffer): Promise<void> {
    const previous = this.queues.get(name) || Promise.resolve();
    const settled: Promise<void> = previous.catch(() => undefined).then(() => this.write(name, file, data)).finally(() => {
      if (this.queues.get(name) === settled) this.queues.delete(name);
    });
    this.queues.set(name, settled);
    return settled;
  }

  private async write(name: string, file: string, data: Buffer): Promise<void> {
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      const doc = await readPackage(this.reg, name);
      if (!doc || doc.origin !== this.origin) return;
      if (doc._attachments && doc._attachments[file]) return;
      const path = docUrl(this.reg, name) + '/' + encodeURIComponent(file) + '?rev=' + encodeURIComponent(String(doc._rev));
      const res = await couchFetch(this.reg, 'PUT', path, data, 'application/octet-stream');
      if (res.ok) return;
      if (res.status !== 409) {
        this.onError('Storing the tarball ' + file + ' of ' + name + ' answered ' + res.status + ': ' + (await res.text()).slice(0, 300));
        return;
      }
    }
  }
}
