import { closedOrderContract, type ClosedOrder } from '@orders-dwh/shared/contracts';
import type { StageDefinition } from '@orders-dwh/shared/stage';
import { toCounterDeltas } from './counter-deltas.ts';
import { addCounterDeltas, recordCountedOrders } from './counter-writes.ts';
import { ordersNotInVault } from './vault-check.ts';

/**
 * cdm: adds each CLOSED order, once, to the per-user product and category counters — only an order
 * the vault holds as the message says; any other is dead-lettered with the reason.
 */
export const cdmStage: StageDefinition<ClosedOrder> = {
  name: 'cdm',
  contract: closedOrderContract,
  async write(db, orders, { reject }) {
    const refused = await ordersNotInVault(db, orders);
    for (const [order, reason] of refused) reject(order, reason);
    const held = refused.size === 0 ? orders : orders.filter((order) => !refused.has(order));
    const newlyCounted = await recordCountedOrders(
      db,
      held.map((order) => order.order_id),
    );
    const toCount = held.filter((order) => newlyCounted.has(order.order_id));
    await addCounterDeltas(db, toCounterDeltas(toCount));
    return [];
  },
  eventTime: (order) => order.closed_at,
};
