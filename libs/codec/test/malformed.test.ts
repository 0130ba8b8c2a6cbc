import { describe, expect, it } from 'vitest';
import { CodecError, decode, decodeValue, type JsonValue } from '../src/index.js';

function malformed(run: () => unknown): CodecError {
  try {
    run();
  } catch (e) {
    if (e instanceof CodecError) return e;
    throw e;
  }
  throw new Error('did not fail');
}

describe('decode refuses input that is not the codec wire format with CODEC_MALFORMED and a path', () => {
  it.each([
    ['not JSON', '{"a":', '$', /not JSON/],
    ['an unknown tag', '{"a":[1,{"$sy":"zzz"}]}', '$.a[1].$sy', /unknown tag "zzz"/],
    ['a tag name that is not a string', '{"$sy":1}', '$.$sy', /holds 1, not a tag name/],
    ['an extra key on a tag', '{"$sy":"u","x":1}', '$', /only "\$sy" and "v", not "x"/],
    ['undefined with a payload', '{"$sy":"u","v":1}', '$', /has no "v"/],
    ['a bad number name', '{"$sy":"num","v":"nan"}', '$.v', /"NaN", "Infinity"/],
    ['a bigint that is not an integer', '[{"$sy":"big","v":"1.5"}]', '$[0].v', /decimal integer/],
    ['a bigint as a number', '{"$sy":"big","v":12}', '$.v', /decimal integer string of at most 10000 digits, not 12/],
    ['a bigint with a leading zero', '{"$sy":"big","v":"012"}', '$.v', /decimal integer/],
    ['bytes that are not base64', '{"x":{"$sy":"bin","v":"a*b="}}', '$.x.v', /padded base64/],
    ['unpadded base64', '{"$sy":"bin","v":"aGk"}', '$.v', /padded base64/],
    ['a date in another format', '{"$sy":"date","v":"2024-01-01"}', '$.v', /ISO 8601/],
    ['an impossible date', '{"$sy":"date","v":"2024-13-45T99:00:00.000Z"}', '$.v', /ISO 8601/],
    ['a date that does not exist (Date.parse would roll it over)', '{"$sy":"date","v":"2024-02-30T00:00:00.000Z"}', '$.v', /ISO 8601/],
    ['a date in a non-canonical year form', '{"$sy":"date","v":"+002024-01-01T00:00:00.000Z"}', '$.v', /ISO 8601/],
    ['a map that is not an array', '{"$sy":"map","v":{}}', '$.v', /array of \[key, value\] pairs/],
    ['a map entry that is not a pair', '{"$sy":"map","v":[[1,2],[3]]}', '$.v[1]', /\[key, value\] pair/],
    ['a bad value inside a map key', '{"$sy":"map","v":[[{"$sy":"big","v":"x"},1]]}', '$.v[0][0].v', /decimal integer/],
    ['a bad value inside a map value', '{"$sy":"map","v":[[1,{"$sy":"?"}]]}', '$.v[0][1].$sy', /unknown tag/],
    ['a set that is not an array', '{"$sy":"set","v":"abc"}', '$.v', /holds an array/],
    ['a bad set member', '{"$sy":"set","v":[1,{"$sy":"u","v":0}]}', '$.v[1]', /has no "v"/],
    ['an escaped object that is an array', '{"$sy":"obj","v":[]}', '$.v', /holds an object/],
    ['a bad value in an escaped object', '{"$sy":"obj","v":{"$sy":{"$sy":"bad"}}}', '$.v.$sy.$sy', /unknown tag "bad"/],
    ['an error record that is a string', '{"$sy":"err","v":"boom"}', '$.v', /error record/],
    ['an error without a message', '{"$sy":"err","v":{"name":"E"}}', '$.v.message', /message is a string/],
    ['an error with a numeric code', '{"$sy":"err","v":{"name":"E","message":"m","code":5}}', '$.v.code', /code is a string or null/],
    ['an error with unknown fields', '{"$sy":"err","v":{"name":"E","message":"m","stack":"s"}}', '$.v', /no field "stack"/],
    ['an error whose data is a list', '{"$sy":"err","v":{"name":"E","message":"m","data":[]}}', '$.v.data', /data is an object/],
    ['a bad value in error data', '{"$sy":"err","v":{"name":"E","message":"m","data":{"k":{"$sy":"x"}}}}', '$.v.data.k.$sy', /unknown tag/],
    ['a bad cause', '{"$sy":"err","v":{"name":"E","message":"m","cause":{"$sy":"num","v":"1"}}}', '$.v.cause.v', /"NaN"/],
    ['a bad omitted list', '{"$sy":"err","v":{"name":"E","message":"m","omitted":[1]}}', '$.v.omitted', /array of field names/],
  ])('%s', (_name, text, path, reason) => {
    const e = malformed(() => decode(text));
    expect(e.code).toBe('CODEC_MALFORMED');
    expect(e.kind).toBe('malformed');
    expect(e.path).toBe(path);
    expect(e.reason).toMatch(reason);
    expect(e.message).toContain(`malformed input at ${path}`);
  });

  it('input that is not a string', () => {
    expect(malformed(() => decode(42 as unknown as string))).toMatchObject({ code: 'CODEC_MALFORMED', path: '$' });
  });

  it('the JSON parse error is kept as the cause', () => {
    expect(malformed(() => decode('{')).cause).toBeInstanceOf(SyntaxError);
  });

  it('decodeValue refuses a tree that is not JSON', () => {
    const cases: [unknown, string, RegExp][] = [
      [{ a: Number.NaN }, '$.a', /NaN is not a JSON number/],
      [{ a: [undefined] }, '$.a[0]', /undefined is not JSON/],
      [{ d: new Date(0) }, '$.d', /a Date is not JSON/],
      [[() => 0], '$[0]', /a function is not JSON/],
      // eslint-disable-next-line no-sparse-arrays
      [[1, , 2], '$[1]', /hole/],
      [{ n: 1n }, '$.n', /1n is not JSON/],
      [{ $sy: 'obj', v: new Date(0) }, '$.v', /holds an object, not a Date/],
      [{ $sy: 'err', v: { name: 'E', message: 'm', data: new Map() } }, '$.v.data', /data is an object, not a Map/],
    ];
    for (const [tree, path, reason] of cases) {
      const e = malformed(() => decodeValue(tree as JsonValue));
      expect(e).toMatchObject({ code: 'CODEC_MALFORMED', path });
      expect(e.reason).toMatch(reason);
    }
  });

  it('input nested past maxDepth fails with CODEC_TOO_DEEP, also through tags', () => {
    const deepArrays = '['.repeat(300) + ']'.repeat(300);
    expect(malformed(() => decode(deepArrays))).toMatchObject({ code: 'CODEC_TOO_DEEP', kind: 'depth' });
    let sets = '1';
    for (let i = 0; i < 5; i++) sets = `{"$sy":"set","v":[${sets}]}`;
    expect(malformed(() => decode(sets, { maxDepth: 4 }))).toMatchObject({ code: 'CODEC_TOO_DEEP', path: '$.v[0].v[0].v[0].v[0]' });
    expect(decode(sets, { maxDepth: 5 })).toBeInstanceOf(Set);
  });
});
