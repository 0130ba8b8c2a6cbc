import { createRuntime } from '@switchyard/runtime';
import { describe, expect, it } from 'vitest';
import { call, defineFunction, functionPlugin, FunctionError, type FunctionContext } from '../src/index.js';

const one = async () => 1;
const two = async () => 2;

async function bootError(functions: unknown): Promise<FunctionError> {
  const rt = createRuntime({ plugins: [functionPlugin({ functions } as never)] });
  try {
    await rt.start();
  } catch (error) {
    let e: unknown = error;
    while (e !== undefined && !(e instanceof FunctionError)) e = (e as { cause?: unknown }).cause;
    if (e instanceof FunctionError) return e;
    throw error;
  } finally {
    await rt.stop();
  }
  throw new Error('the boot did not fail');
}

describe('the registry', () => {
  it('names grouped functions with dots and calls them by that name', async () => {
    const rt = createRuntime({ plugins: [functionPlugin({ functions: { billing: { invoice: { total: async (_c: FunctionContext, n: number) => n * 2 } }, 'a.b': one } })] });
    await rt.start();
    expect(await rt.run(function* () {
      return [yield* call<number>('billing.invoice.total', 21), yield* call<number>('a.b')];
    })).toEqual([42, 1]);
    expect(rt.stats().plugins.function).toMatchObject({ functions: 2, calls: 2, running: 0 });
    await rt.stop();
  });

  it('fails the boot on a name given twice, naming both places', async () => {
    const e = await bootError({ billing: { charge: one }, 'billing.charge': two });
    expect(e.code).toBe('FUNCTION_DUPLICATE');
    expect(e.function).toBe('billing.charge');
    expect(e.sources).toEqual(['functions.billing.charge', 'functions["billing.charge"]']);
    expect(e.message).toBe('function "billing.charge" is defined twice: at functions.billing.charge and at functions["billing.charge"]');
  });

  it('fails the boot on a duplicate across the modules of a list', async () => {
    const e = await bootError([{ mail: { send: one } }, { mail: { send: defineFunction(two) } }]);
    expect(e.code).toBe('FUNCTION_DUPLICATE');
    expect(e.sources).toEqual(['functions[0].mail.send', 'functions[1].mail.send']);
  });

  it('refuses names that are not dotted segments, and values that are not functions', async () => {
    expect((await bootError({ 'billing..charge': one })).code).toBe('FUNCTION_BAD_NAME');
    expect((await bootError({ '9lives': one })).message).toMatch(/"9lives"/);
    const e = await bootError({ billing: { charge: 'nope' } });
    expect(e.code).toBe('FUNCTION_BAD_ARGUMENT');
    expect(e.message).toMatch(/functions\.billing\.charge must be a function/);
  });

  it('refuses unknown plugin options with a did-you-mean', async () => {
    const rt = createRuntime({ plugins: [functionPlugin({ functons: {} } as never)] });
    await expect(rt.start()).rejects.toThrow(/"functons" is not an option \(did you mean "functions"\?\)/);
    await rt.stop();
  });

  it('checks defineFunction arguments at once', () => {
    expect(() => defineFunction('x' as never)).toThrow(FunctionError);
    expect(() => defineFunction(one, { scopes: [''] })).toThrow(/scopes/);
  });
});
