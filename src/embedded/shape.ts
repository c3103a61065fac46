// Guards for the members of express-pouchdb and its plugins that the stand-in replaces or reaches
// into (patch.ts, parts.ts, config.ts).

/**
 * What a patched member was when its patch was written: a function of this many parameters, or
 * a string. The packages are pinned (package.json); a member that no longer matches stops the
 * server rather than leaving a patch that silently does nothing. test/embedded/patches.test.ts
 * checks the same shapes against the unpatched packages.
 */
export type Shape = number | 'string';

const shapeOf = (value: unknown): string => (typeof value === 'function' ? `function of ${value.length}` : typeof value);
const wanted = (shape: Shape): string => (shape === 'string' ? 'string' : `function of ${shape}`);

/** Throws unless `value` (a member `what` of a patched package) still has `shape`. */
export function expectShape(value: unknown, shape: Shape, what: string): void {
  if (shapeOf(value) !== wanted(shape)) {
    throw new Error(`${what} is a ${shapeOf(value)}, not the ${wanted(shape)} the embedded stand-in patches (src/embedded/patch.ts)`);
  }
}
