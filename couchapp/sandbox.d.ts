// Globals that CouchDB's JavaScript sandbox provides to design-document functions.
// Nothing else exists at run time: no Node APIs, no TextEncoder, no btoa/atob, no typed arrays.

declare function log(message: unknown): void;
declare function emit(key: unknown, value: unknown): void;
declare function sum(values: number[]): number;
declare function toJSON(value: unknown): string;
declare function isArray(value: unknown): value is unknown[];
declare function getRow(): { key: unknown; value: unknown; id: string; doc?: unknown } | null;
declare function send(chunk: string): void;
declare function start(head: { code?: number; headers?: Record<string, string> }): void;
declare function provides(type: string, fn: () => unknown): void;
declare function registerType(name: string, ...mimes: string[]): void;
