import { closedOrderContract, type ClosedOrder } from '../../shared/src/contracts/index.ts';
import type { StageDefinition } from '../../shared/src/stage/stage-definition.ts';
import { toCounterDeltas } from './counter-deltas.ts';
import { addCounterDeltas, recordCountedOrders } from './counter-writes.ts';

/** cdm: adds each CLOSED order, once, to the per-user product and category counters. */
export const cdmStage: StageDefinition<ClosedOrder> = {
  name: 'cdm',
  contract: closedOrderContract,
  async write(db, orders) {
    const newlyCounted = await recordCountedOrders(db, orders.map((order) => order.order_id));
    const toCount = orders.filter((order) => newlyCounted.has(order.order_id));
    await addCounterDeltas(db, toCounterDeltas(toCount));
    return [];
  },
};
