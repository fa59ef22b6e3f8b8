import type { EnrichedOrder } from '../../shared/src/contracts/enriched-order.ts';
import type { OrderEvent } from '../../shared/src/contracts/order-event.ts';
import type { MenuItem, ReferenceRestaurant, ReferenceUser } from '../../shared/src/reference/reference-layout.ts';

/**
 * The dds_service message for an order event: the event's amounts and items (what was ordered, at
 * the price charged) plus the user's and the restaurant's names from the reference data.
 */
export function enrichOrder(event: OrderEvent, user: ReferenceUser, restaurant: ReferenceRestaurant): EnrichedOrder {
  const { payload } = event;
  return {
    object_id: event.object_id,
    object_type: event.object_type,
    payload: {
      id: event.object_id,
      date: payload.date,
      update_ts: payload.update_ts,
      cost: payload.cost,
      payment: payload.payment,
      status: payload.final_status,
      restaurant: { id: restaurant.id, name: restaurant.name },
      user: { id: user.id, name: user.name, login: user.login },
      products: payload.order_items.map((item) => ({
        id: item.id,
        price: item.price,
        quantity: item.quantity,
        name: item.name,
        category: item.category,
      })),
    },
  };
}

/**
 * Why the event's items do not match the restaurant's menu, one phrase per item that is not on it
 * or differs from it in name, category or price; empty when every item matches. An item with a
 * real product id but another category or name would give the product a second category or name
 * in the vault, and the counters would drift from the truth for good.
 */
export function menuMismatches(event: OrderEvent, menu: ReadonlyMap<string, MenuItem>): string[] {
  const mismatches: string[] = [];
  for (const item of event.payload.order_items) {
    const listed = menu.get(item.id);
    if (!listed) {
      mismatches.push(`item ${item.id} is not on the menu`);
      continue;
    }
    for (const field of ['name', 'category', 'price'] as const) {
      if (item[field] !== listed[field]) mismatches.push(`item ${item.id} has ${field} ${JSON.stringify(item[field])} where the menu says ${JSON.stringify(listed[field])}`);
    }
  }
  return mismatches;
}
