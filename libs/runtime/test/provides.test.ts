import { createKey } from '@switchyard/boot';
import { describe, expect, it } from 'vitest';
import { createRuntime, definePlugin } from '../src/index.js';

const counterKey = createKey<{ next(): number }>('test.counter');

describe('plugin setup provides', () => {
  it('gives a dependent plugin the value its dependency provided, per runtime', async () => {
    const seen: number[] = [];
    const provider = definePlugin({
      name: 'provider',
      commands: [300],
      setup: (ctx) => {
        let n = 0;
        return { provides: ctx.boot.with(counterKey, { next: () => ++n }) };
      },
    });
    const consumer = definePlugin({
      name: 'consumer',
      commands: [301],
      dependsOn: ['provider'],
      setup: (ctx) => {
        const counter = ctx.boot.get(counterKey);
        return { start: () => void seen.push(counter.next(), counter.next()) };
      },
    });
    const a = createRuntime({ plugins: [consumer, provider] });
    const b = createRuntime({ plugins: [consumer, provider] });
    await a.start();
    await b.start();
    expect(seen).toEqual([1, 2, 1, 2]);
    expect(a.context.has(counterKey)).toBe(true);
    await a.stop();
    await b.stop();
  });

  it('fails the boot when a plugin reads a value nobody provided', async () => {
    const consumer = definePlugin({ name: 'consumer', commands: [301], setup: (ctx) => void ctx.boot.get(counterKey) });
    const rt = createRuntime({ plugins: [consumer] });
    await expect(rt.start()).rejects.toThrow(/test\.counter/);
  });
});
