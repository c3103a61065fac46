// Structural equality of JSON values, independent of key order, and a limit on their nesting.

/**
 * How deeply a document or request may nest objects and arrays. package.json files nest a few
 * levels; the limit is far above that and far below what recursive code (JSON.stringify in Node,
 * PouchDB's copies, a JavaScript engine's stack) survives.
 */
export const MAX_NESTING = 100;

/** Whether a JSON value nests objects and arrays more than `limit` deep. Iterative: any depth is safe. */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const top = stack.pop() as [unknown, number];
    const v = top[0];
    if (v === null || typeof v !== 'object') continue;
    const depth = top[1] + 1;
    if (depth > limit) return true;
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) stack.push([o[k], depth]);
  }
  return false;
}

/** The sentence for a value refused by nestsDeeperThan. */
export function nestingProblem(what: string): string {
  return what + ' nests objects or arrays more than ' + MAX_NESTING + ' levels deep, which this registry does not accept.';
}

/** Structural equality of JSON values, independent of key order. Iterative: any depth is safe. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  const stack: Array<[unknown, unknown]> = [[a, b]];
  while (stack.length > 0) {
    const pair = stack.pop() as [unknown, unknown];
    const p = pair[0];
    const q = pair[1];
    if (p === q) continue;
    if (p === null || q === null || typeof p !== 'object' || typeof q !== 'object') return false;
    const pIsArray = Object.prototype.toString.call(p) === '[object Array]';
    const qIsArray = Object.prototype.toString.call(q) === '[object Array]';
    if (pIsArray !== qIsArray) return false;
    if (pIsArray) {
      const x = p as unknown[];
      const y = q as unknown[];
      if (x.length !== y.length) return false;
      for (let i = 0; i < x.length; i++) stack.push([x[i], y[i]]);
      continue;
    }
    const x = p as Record<string, unknown>;
    const y = q as Record<string, unknown>;
    const xKeys = Object.keys(x).filter((k) => x[k] !== undefined);
    const yKeys = Object.keys(y).filter((k) => y[k] !== undefined);
    if (xKeys.length !== yKeys.length) return false;
    for (const k of xKeys) {
      if (!Object.prototype.hasOwnProperty.call(y, k)) return false;
      stack.push([x[k], y[k]]);
    }
  }
  return true;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && Object.prototype.toString.call(v) !== '[object Array]';
}

export function has(o: unknown, key: string): boolean {
  return isObject(o) && Object.prototype.hasOwnProperty.call(o, key);
}

/** A shallow copy of a plain object, without the listed keys. */
export function without(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o)) if (keys.indexOf(k) < 0) out[k] = o[k];
  return out;
}
