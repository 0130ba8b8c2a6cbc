/**
 * A strict structural equality for the values the codec carries, used by the properties
 * instead of toStrictEqual (which reads an own `constructor` key as the object's class).
 * Stricter than toStrictEqual where it matters here: key order, Map and Set order, -0 and
 * prototypes all count.
 */
export function same(a: unknown, b: unknown): boolean {
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b);
  if (Object.getPrototypeOf(a) !== Object.getPrototypeOf(b)) return false;
  if (a instanceof Date) return Object.is(a.getTime(), (b as Date).getTime());
  if (a instanceof Uint8Array) return Buffer.from(a).equals(Buffer.from(b as Uint8Array));
  if (a instanceof Map || a instanceof Set) return same([...a], [...(b as Map<unknown, unknown> | Set<unknown>)]);
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => i in bb && same(x, bb[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}
