import fc from 'fast-check';

/** Keys a user might write, weighted towards the ones the wire format gives meaning to. */
export const keyArb = fc.oneof(
  fc.string({ maxLength: 6 }),
  fc.constantFrom('$sy', 'v', '__proto__', 'constructor', 'toString', '0', '7', 'name', 'message', 'code', 'data', 'cause', 'omitted', 'errors'),
);

/** Strings that spell the tag names and their payloads. */
const tagWordArb = fc.constantFrom('u', 'num', 'big', 'bin', 'date', 'map', 'set', 'obj', 'err', 'NaN', 'Infinity', '-0', '12', 'aGk=', '1970-01-01T00:00:00.000Z');

const stringArb = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 6 }), tagWordArb, fc.constant('\ud800 lone'));

/** Every leaf the codec carries. */
export const leafArb = fc.oneof(
  stringArb,
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.date({ noInvalidDate: false }),
  fc.uint8Array({ maxLength: 12 }),
);

/** Values made only of what the codec carries (errors apart: they revive as another class). */
export const supportedArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leafArb,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(keyArb, tie('value'), { maxKeys: 5, noNullPrototype: true }),
    fc.array(fc.tuple(tie('value'), tie('value')), { maxLength: 4 }).map((entries) => new Map(entries)),
    fc.array(tie('value'), { maxLength: 4 }).map((members) => new Set(members)),
  ),
})).value;

/**
 * JSON trees that are not (necessarily) ours: tag keys with random payloads, tag names in
 * random places, error-record fields, wrong types everywhere.
 */
export const foreignJsonArb: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(stringArb, fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null)),
    fc.array(tie('value'), { maxLength: 4 }),
    fc.dictionary(keyArb, tie('value'), { maxKeys: 4, noNullPrototype: true }),
    fc.record({ $sy: fc.oneof(tagWordArb, tie('value')) }),
    fc.record({ $sy: fc.oneof(tagWordArb, tie('value')), v: tie('value') }),
    fc.record({ $sy: fc.constant('err'), v: fc.dictionary(fc.constantFrom('name', 'message', 'code', 'data', 'cause', 'omitted', 'x'), tie('value'), { maxKeys: 6, noNullPrototype: true }) }),
    fc.record({ $sy: fc.constant('map'), v: fc.array(fc.array(tie('value'), { maxLength: 3 }), { maxLength: 3 }) }),
  ),
})).value;
