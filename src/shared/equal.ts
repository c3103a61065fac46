// Structural equality of JSON values, independent of key order.

export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  const aIsArray = Object.prototype.toString.call(a) === '[object Array]';
  const bIsArray = Object.prototype.toString.call(b) === '[object Array]';
  if (aIsArray !== bIsArray) return false;
  if (aIsArray) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!jsonEqual(x[i], y[i])) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const xKeys = Object.keys(x).filter((k) => x[k] !== undefined);
  const yKeys = Object.keys(y).filter((k) => y[k] !== undefined);
  if (xKeys.length !== yKeys.length) return false;
  for (const k of xKeys) {
    if (!Object.prototype.hasOwnProperty.call(y, k) || !jsonEqual(x[k], y[k])) return false;
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
