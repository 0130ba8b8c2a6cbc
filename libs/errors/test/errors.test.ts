import { describe, expect, it } from 'vitest';
import { SwitchyardError, OptionError, checkKeys, closest, describeValue, hasCode, intOption, boolOption, oneOf } from '../src/index.js';

describe('SwitchyardError', () => {
  it('carries a code, the subclass name and a cause', () => {
    class MyError extends SwitchyardError {}
    const cause = new Error('root');
    const e = new MyError('MINE', 'it broke', { cause });
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('MyError');
    expect(e.code).toBe('MINE');
    expect(e.cause).toBe(cause);
    expect(hasCode(e)).toBe(true);
    expect(hasCode(new Error('x'))).toBe(false);
  });
});

describe('describeValue', () => {
  it('names values without printing them whole', () => {
    expect(describeValue('x'.repeat(50))).toBe(JSON.stringify(`${'x'.repeat(40)}…`));
    expect(describeValue(3)).toBe('3');
    expect(describeValue(2n)).toBe('2n');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue(Promise.resolve())).toBe('a Promise');
    expect(describeValue([1, 2])).toBe('an array of 2');
    expect(describeValue({ secret: 'hunter2' })).toBe('an object');
    expect(describeValue(new Map())).toBe('a Map');
    expect(describeValue(async function* worker() {})).toBe('an async generator function (worker)');
    expect(describeValue(function* g() {})).toBe('a generator function (g)');
    expect(describeValue(async () => 1)).toBe('an async function');
  });
});

describe('closest', () => {
  it('suggests a near miss and nothing for a far one', () => {
    expect(closest('mian', ['main', 'plugins'])).toBe('main');
    expect(closest('zzzzzz', ['main', 'plugins'])).toBeUndefined();
  });
});

describe('option checks', () => {
  it('refuse unknown keys with a suggestion and wrong types naming the option', () => {
    expect(() => checkKeys('fooPlugin()', { bufferSzie: 1 }, ['bufferSize'])).toThrow(/fooPlugin\(\): "bufferSzie" is not an option \(did you mean "bufferSize"\?\)/);
    expect(() => checkKeys('fooPlugin()', 5, ['a'])).toThrow(OptionError);
    expect(checkKeys('x', undefined, ['a'])).toEqual({});
    expect(() => intOption('x', { n: 1.5 }, 'n', 1)).toThrow(/"n" must be an integer in 0\.\./);
    expect(intOption('x', { n: Infinity }, 'n', 1, { infinite: true })).toBe(Infinity);
    expect(intOption('x', {}, 'n', 7)).toBe(7);
    expect(() => boolOption('x', { b: 'yes' }, 'b', false)).toThrow(/"b" must be true or false, got "yes"/);
    expect(() => oneOf('x', { p: 'drop' }, 'p', ['error', 'dropOldest'] as const, 'error')).toThrow(/one of "error", "dropOldest"/);
    try {
      intOption('where', { n: -1 }, 'n', 0, {}, 'MY_CODE');
    } catch (e) {
      expect((e as OptionError).code).toBe('MY_CODE');
      expect((e as OptionError).option).toBe('n');
      expect((e as OptionError).where).toBe('where');
    }
  });
});
