// The embedded stand-in for CouchDB 3.4 (docs/stand-in.md), as the rest of the registry uses it.
// Code outside src/embedded enters through this file only; test/architecture.test.ts checks that.
export { startEmbedded, type EmbeddedOptions, type EmbeddedServer, type ExtraHandler } from './server.js';
export { secureDataDir } from './data-dir.js';
