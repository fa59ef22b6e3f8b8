import type { EnrichedOrder } from '../../shared/src/contracts/enriched-order.ts';
import type { OrderEvent } from '../../shared/src/contracts/order-event.ts';
import type { ReferenceRestaurant, ReferenceUser } from '../../shared/src/reference/reference-layout.ts';

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

/** Ids of the event's items that are not on the restaurant's menu, in item order. */
export function itemsNotOnMenu(event: OrderEvent, menuItemIds: ReadonlySet<string>): string[] {
  return event.payload.order_items.map((item) => item.id).filter((id) => !menuItemIds.has(id));
}
