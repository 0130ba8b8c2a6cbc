import { describe, expect, it } from 'vitest';
import { BootError, defineComponent, type ComponentSpec } from '@switchyard/boot';

function thrown(fn: () => unknown): BootError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(BootError);
    return e as BootError;
  }
  throw new Error('expected a throw');
}

describe('defineComponent', () => {
  it('returns a frozen component with its hooks and a copied dependsOn', () => {
    const deps = ['b'];
    const load = () => {};
    const c = defineComponent({ name: 'a', dependsOn: deps, load });
    expect(c.name).toBe('a');
    expect(c.load).toBe(load);
    expect(c.dependsOn).toEqual(['b']);
    deps.push('c');
    expect(c.dependsOn).toEqual(['b']);
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.dependsOn)).toBe(true);
  });

  it('defaults dependsOn to none', () => {
    expect(defineComponent({ name: 'a' }).dependsOn).toEqual([]);
  });

  it.each([[''], [undefined], [42]])('refuses the name %j with code BAD_COMPONENT', (name) => {
    const e = thrown(() => defineComponent({ name } as unknown as ComponentSpec));
    expect(e.code).toBe('BAD_COMPONENT');
    expect(e.message).toContain('name');
    expect(e.message).toContain(JSON.stringify(name) ?? 'undefined');
  });

  it('refuses a missing spec', () => {
    expect(thrown(() => defineComponent(undefined as unknown as ComponentSpec)).code).toBe('BAD_COMPONENT');
  });

  it('refuses a dependsOn that is not an array of names, naming the component', () => {
    const e1 = thrown(() => defineComponent({ name: 'api', dependsOn: 'db' as unknown as string[] }));
    expect(e1.code).toBe('BAD_COMPONENT');
    expect(e1.message).toContain('"api"');
    expect(e1.message).toContain('dependsOn');
    const e2 = thrown(() => defineComponent({ name: 'api', dependsOn: ['db', 3 as unknown as string] }));
    expect(e2.message).toContain('"api"');
  });

  it.each(['load', 'start', 'stop'] as const)('refuses a %s hook that is not a function, naming the component and the hook', (hook) => {
    const e = thrown(() => defineComponent({ name: 'api', [hook]: 'later' } as unknown as ComponentSpec));
    expect(e.code).toBe('BAD_COMPONENT');
    expect(e.message).toBe(`"api": ${hook} must be a function`);
  });
});
