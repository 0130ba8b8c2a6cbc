/**
 * A short description of a value for an error message: strings quoted (and cut), numbers and
 * booleans as written, objects by their kind. Never the whole value: it may be large or secret.
 */
export function describeValue(value: unknown, maxString = 40): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > maxString ? `${value.slice(0, maxString)}…` : value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'undefined':
      return 'undefined';
    case 'symbol':
      return 'a symbol';
    case 'function': {
      const fn = value as { name?: string; constructor?: { name?: string } };
      const kind = fn.constructor?.name === 'AsyncGeneratorFunction' ? 'an async generator function'
        : fn.constructor?.name === 'GeneratorFunction' ? 'a generator function'
        : fn.constructor?.name === 'AsyncFunction' ? 'an async function' : 'a function';
      return fn.name ? `${kind} (${fn.name})` : kind;
    }
    default:
      break;
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value instanceof Promise) return 'a Promise';
  if (value instanceof Date) return 'a Date';
  if (value instanceof Uint8Array) return `${value.length} bytes`;
  const ctor = (value as { constructor?: { name?: string } }).constructor?.name;
  return ctor && ctor !== 'Object' ? `a ${ctor}` : 'an object';
}

/** The candidate closest to `name` (edit distance ≤ a third of its length), for "did you mean". */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

/** ` (did you mean "x"?)` or the empty string. */
export function didYouMean(name: string, candidates: Iterable<string>): string {
  const c = closest(name, candidates);
  return c === undefined ? '' : ` (did you mean "${c}"?)`;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = row[j]!;
      row[j] = Math.min(up + 1, row[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return row[b.length]!;
}
