import type { ClosedOrder, ClosedOrderProduct, EnrichedOrder } from '@orders-dwh/shared/contracts';
import type { OutgoingMessage } from '@orders-dwh/shared/stage';
import { hubs } from './vault-model.ts';
import { hubKey } from './vault-rows.ts';

/** What a CLOSED order adds to the CDM counters: hub keys of order, user, products and categories. */
export function toClosedOrderMessage(order: EnrichedOrder): ClosedOrder {
  const { payload } = order;
  const products = new Map<string, ClosedOrderProduct>();
  for (const item of payload.products) {
    const productId = hubKey(hubs.product, { product_id: item.id });
    products.set(productId, {
      product_id: productId,
      product_name: item.name,
      category_id: hubKey(hubs.category, { category_name: item.category }),
      category_name: item.category,
    });
  }
  return {
    order_id: hubKey(hubs.order, { order_id: payload.id }),
    user_id: hubKey(hubs.user, { user_id: payload.user.id }),
    closed_at: payload.update_ts,
    products: [...products.values()],
  };
}

/** One cdm message per CLOSED order in the batch (its last CLOSED event wins), keyed by order id. */
export function closedOrderMessages(orders: readonly EnrichedOrder[]): OutgoingMessage[] {
  const closed = new Map<number, EnrichedOrder>();
  for (const order of orders) {
    if (order.payload.status === 'CLOSED') closed.set(order.payload.id, order);
  }
  return [...closed.values()].map((order) => ({ key: String(order.payload.id), value: toClosedOrderMessage(order) }));
}
