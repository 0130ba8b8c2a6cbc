import { sleep } from '@switchyard/plugin-clock';
import { receive } from '@switchyard/runtime';
import { DEFAULT_VERSION, defineWorkflow, now, sideEffect, upsertAttrs, version } from '@switchyard/plugin-workflow';

export interface Order {
  readonly customer: string;
  readonly items: readonly string[];
  readonly total: number;
  /** How long the customer may still cancel, ms. */
  readonly coolingOffMs: number;
}

export interface OrderOutcome {
  readonly status: 'shipped' | 'rejected';
  readonly payment?: string;
  readonly carrier?: string;
  readonly placedAt: number;
  readonly approvedBy?: string;
}

/** The search attributes the order workflow sets (declared once, at boot). */
export const orderAttributes = { customer: 'keyword', total: 'double', stage: 'keyword' } as const;

/**
 * An order. Every external effect is a step (journaled once, replayed after a crash); time and
 * randomness come from journaled side effects; waiting is a durable sleep or a durable receive.
 */
export const orderWorkflow = defineWorkflow('order', function* (ctx, order: Order) {
  const placedAt = yield* now();
  yield* upsertAttrs({ customer: order.customer, total: order.total, stage: 'cooling-off' });

  // Survives a restart: the wake-up time is in the journal.
  yield* sleep(order.coolingOffMs);

  yield* upsertAttrs({ stage: 'awaiting-approval' });
  let approval;
  try {
    approval = yield* receive<{ by: string; ok: boolean }>({ topic: 'approval', timeout: 24 * 3600_000 });
  } catch {
    approval = undefined;
  }
  if (approval === undefined || !approval.payload.ok) {
    yield* upsertAttrs({ stage: 'rejected' });
    return { status: 'rejected', placedAt } satisfies OrderOutcome;
  }

  // The step's idempotency key lets the payment provider drop a repeated charge after a crash.
  const payment = yield* sideEffect('charge', (step) => `payment-${step.key}`);

  // A change shipped while orders were in flight: runs that already passed this point keep the
  // old behaviour (DEFAULT_VERSION), runs that reach it now use the new carrier selection.
  const carrierSelection = yield* version('carrier-selection', DEFAULT_VERSION, 1);
  const carrier = carrierSelection === 1 ? yield* sideEffect('pick-carrier', () => (order.total > 100 ? 'express' : 'standard')) : 'post';

  yield* upsertAttrs({ stage: 'shipped' });
  return { status: 'shipped', payment, carrier, placedAt, approvedBy: approval.payload.by } satisfies OrderOutcome;
});

