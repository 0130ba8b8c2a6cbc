// switchyard run app.ts [-- orders.db]
// Run it twice: the second run attaches to the same orders (their IDs are fixed) and prints
// the results recorded by the first; stop it with Ctrl-C during the cooling-off and run it
// again to see the orders resume where they were.
import { resolve } from 'node:path';
import { clockPlugin, sleep } from '@switchyard/plugin-clock';
import { describeWorkflow, listWorkflows, signalWorkflow, startWorkflow, workflowPlugin, workflowResult, WorkflowCommand } from '@switchyard/plugin-workflow';
import { defineApp } from 'switchyard';
import { orderAttributes, orderWorkflow, type OrderOutcome } from './src/order.js';

export default defineApp(({ argv, cwd }) => ({
  plugins: [clockPlugin(), workflowPlugin({ file: resolve(cwd, argv[0] ?? 'orders.db'), workflows: [orderWorkflow], attributes: orderAttributes })],
  commandNames: [WorkflowCommand],
  *main() {
    const orders = [
      { id: 'order-acme', order: { customer: 'acme', items: ['printer'], total: 180, coolingOffMs: 1000 }, approve: true },
      { id: 'order-globex', order: { customer: 'globex', items: ['paper'], total: 20, coolingOffMs: 1000 }, approve: false },
    ];
    for (const o of orders) yield* startWorkflow(orderWorkflow, o.order, { id: o.id, ifExists: 'attach' });
    console.log('orders placed; cooling off…');
    yield* sleep(1200);
    for (const o of orders) {
      const info = yield* describeWorkflow(o.id);
      if (info.status === 'running') yield* signalWorkflow(o.id, 'approval', { by: 'ops', ok: o.approve });
    }
    for (const o of orders) {
      const outcome: OrderOutcome = yield* workflowResult<OrderOutcome>(o.id);
      console.log(`${o.id}: ${outcome.status}${outcome.carrier ? ` by ${outcome.carrier}` : ''}${outcome.payment ? ` (${outcome.payment})` : ''}`);
    }
    const shipped = yield* listWorkflows({ workflow: 'order', attrs: { stage: 'shipped', total: { gte: 100 } } });
    console.log(`shipped orders of 100 or more: ${shipped.map((r) => r.id).join(', ') || 'none'}`);
  },
}));
