import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CodecError, RemoteError, decode, decodeValue, encode, encodeValue, type JsonValue } from '../src/index.js';
import { foreignJsonArb, keyArb, leafArb, supportedArb } from './arbitraries.js';
import { same } from './same.js';

const expectSame = (got: unknown, want: unknown): void => {
  // toStrictEqual first, for its readable diff; then the stricter reference.
  if (!same(got, want)) expect(got).toStrictEqual(want);
  expect(same(got, want), 'same() differs where toStrictEqual does not').toBe(true);
};

describe('properties', () => {
  it('every supported value round-trips to a deep-equal value, through text and through a JSON tree', () => {
    fc.assert(
      fc.property(supportedArb, (v) => {
        expectSame(decode(encode(v)), v);
        const tree = encodeValue(v);
        expectSame(decodeValue(tree), v);
        expectSame(decodeValue(JSON.parse(JSON.stringify(tree)) as JsonValue), v);
      }),
      { numRuns: 600 },
    );
  });

  it("encode's fast path writes the same text as the full walk, and the wire is stable", () => {
    fc.assert(
      fc.property(supportedArb, (v) => {
        const text = encode(v);
        expect(text).toBe(JSON.stringify(encodeValue(v)));
        expect(encode(decode(text))).toBe(text);
      }),
      { numRuns: 600 },
    );
  });

  it('an object holding the tag key is never taken for a tag', () => {
    const withTag = fc.tuple(fc.oneof(leafArb, supportedArb), fc.dictionary(keyArb, supportedArb, { maxKeys: 3, noNullPrototype: true })).map(([tagValue, rest]) => {
      const o: Record<string, unknown> = { ...rest };
      Object.defineProperty(o, '$sy', { value: tagValue, enumerable: true, writable: true, configurable: true });
      return o;
    });
    fc.assert(
      fc.property(withTag, fc.array(withTag, { maxLength: 3 }), (o, list) => {
        expectSame(decode(encode(o)), o);
        expectSame(decode(encode({ list, m: new Map([[o, o]]) })), { list, m: new Map([[o, o]]) });
      }),
      { numRuns: 300 },
    );
  });

  it('plain JSON without the tag key passes through decode as JSON.parse reads it', () => {
    fc.assert(
      fc.property(fc.json({ maxDepth: 4 }), (text) => {
        if (text.includes('"$sy"')) return;
        expectSame(decode(text), JSON.parse(text));
      }),
      { numRuns: 1000 },
    );
  });

  it('JSON that is not ours decodes or fails with CODEC_MALFORMED, never with another error', () => {
    let malformed = 0;
    fc.assert(
      fc.property(foreignJsonArb, (tree) => {
        const text = JSON.stringify(tree);
        try {
          decode(text);
        } catch (e) {
          if (!(e instanceof CodecError) || e.code !== 'CODEC_MALFORMED') throw e;
          expect(e.path.startsWith('$')).toBe(true);
          malformed++;
        }
      }),
      { numRuns: 2000 },
    );
    // The generator must actually reach the refusal paths, or this property proves nothing.
    expect(malformed).toBeGreaterThan(200);
  });

  it('any string decodes or fails with CODEC_MALFORMED', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json().map((j) => j.slice(0, -1))), (text) => {
        try {
          decode(text);
        } catch (e) {
          if (!(e instanceof CodecError) || e.code !== 'CODEC_MALFORMED') throw e;
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('errors revive with the same name, message, code, fields and cause', () => {
    const reserved = new Set(['name', 'message', 'code', 'stack', 'cause']);
    const errorArb = fc.record({
      name: fc.string({ maxLength: 10 }),
      message: fc.string({ maxLength: 20 }),
      code: fc.option(fc.string({ minLength: 1, maxLength: 8 }), { nil: undefined }),
      fields: fc.dictionary(keyArb.filter((k) => !reserved.has(k)), supportedArb, { maxKeys: 4, noNullPrototype: true }),
      cause: fc.option(supportedArb, { nil: undefined }),
    });
    fc.assert(
      fc.property(errorArb, ({ name, message, code, fields, cause }) => {
        const e = new Error(message, cause === undefined ? undefined : { cause });
        e.name = name;
        if (code !== undefined) Object.assign(e, { code });
        for (const [k, v] of Object.entries(fields)) Object.defineProperty(e, k, { value: v, enumerable: true, writable: true, configurable: true });
        const back = decode(encode({ e })) as { e: RemoteError };
        expect(back.e).toBeInstanceOf(RemoteError);
        expect(back.e.name).toBe(name);
        expect(back.e.message).toBe(message);
        expect(back.e.code).toBe(code ?? 'REMOTE_ERROR');
        for (const [k, v] of Object.entries(fields)) expectSame(back.e[k], v);
        if (cause === undefined) expect(Object.hasOwn(back.e, 'cause')).toBe(false);
        else expectSame(back.e.cause, cause);
      }),
      { numRuns: 500 },
    );
  });
});

describe('the reference equality the properties rely on', () => {
  it('tells apart what the codec must keep apart', () => {
    const pairs: [unknown, unknown][] = [
      [0, -0],
      [{ a: 1, b: 2 }, { b: 2, a: 1 }],
      [{ a: undefined }, {}],
      [[undefined], []],
      [new Map([[1, 2]]), new Map([[1, 3]])],
      [new Set([1, 2]), new Set([2, 1])],
      [new Date(0), new Date(1)],
      [new Uint8Array([1]), Buffer.from([1])],
      [Object.create(null), {}],
      [1n, 1],
      [{ constructor: new Map() }, { constructor: new Set() }],
    ];
    pairs.forEach(([a, b], i) => expect(same(a, b), `pair ${i}`).toBe(false));
    expect(same({ constructor: new Map([[1, [Number.NaN]]]) }, { constructor: new Map([[1, [Number.NaN]]]) })).toBe(true);
  });
});
