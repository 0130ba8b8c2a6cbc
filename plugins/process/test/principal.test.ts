import { describe, expect, it } from 'vitest';
import { definePlugin, type Principal, type Principals, type ProcessContext } from '@switchyard/runtime';
import { exec, processPlugin, spawn, spawnLink } from '@switchyard/plugin-process';
import { createTestRuntime } from '@switchyard/testing';

describe('principal inheritance', () => {
  it('children spawned with spawn, spawnLink and exec act for their parent\'s principal', async () => {
    const box: { principals?: Principals } = {};
    const issuer = definePlugin({ name: 'issuer', commands: [300], setup: (ctx) => void (box.principals = ctx.principals) });
    await using t = await createTestRuntime({ plugins: [processPlugin(), issuer] });
    const dana = box.principals!.issue('dana', ['orders:write']);
    const seen: (Principal | undefined)[] = [];
    function* child(ctx: ProcessContext) {
      seen.push(ctx.principal);
    }
    function* grandparent(ctx: ProcessContext) {
      seen.push(ctx.principal);
      yield* spawn(child);
      yield* spawnLink(child);
      yield* exec(function* (c: ProcessContext) {
        seen.push(c.principal);
        yield* spawn(child); // a grandchild inherits too
      });
    }
    const pid = t.rt.spawnWith({ principal: dana }, grandparent);
    await t.rt.wait(pid);
    await t.settle();
    expect(seen).toHaveLength(5);
    for (const p of seen) expect(p).toBe(dana);
    // Without a principal, children have none.
    seen.length = 0;
    await t.rt.run(function* () {
      yield* spawn(child);
    });
    await t.settle();
    expect(seen).toEqual([undefined]);
  });
});
