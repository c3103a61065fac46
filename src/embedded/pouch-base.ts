// The one PouchDB class every embedded server derives from: pouchdb-core with the adapters and
// plugins the stand-in uses. PouchDB's plugins may be applied to a class only once.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

let Base: any;

export function basePouchDB(): any {
  Base ??= require('pouchdb-core')
    .plugin(require('pouchdb-adapter-memory'))
    .plugin(require('pouchdb-adapter-leveldb'))
    .plugin(require('pouchdb-adapter-http'))
    .plugin(require('pouchdb-mapreduce'))
    .plugin(require('pouchdb-replication'));
  return Base;
}
