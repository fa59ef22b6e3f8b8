import type { OrderEvent } from '@orders-dwh/shared/contracts';

type Payload = Pick<OrderEvent['payload'], 'user' | 'restaurant' | 'date' | 'order_items'>;

/**
 * What an order is, which no later event of it may change: who placed it, where, when, and what it
 * bought (item, quantity, price paid). The vault links an order to its user and products for good,
 * and the counters count what the CLOSED event says; an event that changed any of these would leave
 * links that no event stands for, and the counters would differ from the vault.
 */
export interface OrderIdentity {
  user: string;
  restaurant: string;
  placedAt: number;
  /** The lines in one canonical text: "id ×quantity at price", by item id. */
  items: string;
}

export function orderIdentity(payload: Payload): OrderIdentity {
  return {
    user: payload.user.id,
    restaurant: payload.restaurant.id,
    placedAt: Date.parse(payload.date),
    items: orderLineTexts(payload.order_items),
  };
}

/** The lines as the vault files them (an item listed twice is one line, its quantities added up), by item id. */
function orderLineTexts(items: Payload['order_items']): string {
  const quantities = new Map<string, { id: string; price: number; quantity: number }>();
  for (const { id, price, quantity } of items) {
    const line = quantities.get(`${id} ${price}`);
    if (line) line.quantity += quantity;
    else quantities.set(`${id} ${price}`, { id, price, quantity });
  }
  return [...quantities.values()]
    .map(({ id, price, quantity }) => `${id} ×${quantity} at ${price}`)
    .sort()
    .join(', ');
}

/** What differs between the identity an order has and the one an event gives it, one phrase each; empty when none. */
export function identityChanges(was: OrderIdentity, now: OrderIdentity): string[] {
  const changes: string[] = [];
  if (now.user !== was.user) changes.push(`user ${was.user} → ${now.user}`);
  if (now.restaurant !== was.restaurant) changes.push(`restaurant ${was.restaurant} → ${now.restaurant}`);
  if (now.placedAt !== was.placedAt) changes.push(`date ${new Date(was.placedAt).toISOString()} → ${new Date(now.placedAt).toISOString()}`);
  if (now.items !== was.items) changes.push(`items [${was.items}] → [${now.items}]`);
  return changes;
}

/**
 * Splits a batch's events, in topic order, into those that agree with their order's identity and
 * the reasons for those that do not. An order's identity is the stored one, or else that of its
 * first event here that is kept (worked out only when another event of the order follows).
 */
export function checkOrderIdentities<T extends { event: OrderEvent }>(
  items: readonly T[],
  stored: ReadonlyMap<number, OrderIdentity>,
): { kept: T[]; changed: Array<{ item: T; reason: string }> } {
  const known = new Map<number, OrderIdentity | OrderEvent>(stored);
  const kept: T[] = [];
  const changed: Array<{ item: T; reason: string }> = [];
  for (const item of items) {
    const id = item.event.object_id;
    let was = known.get(id);
    if (was === undefined) {
      known.set(id, item.event);
      kept.push(item);
      continue;
    }
    if ('payload' in was) {
      was = orderIdentity(was.payload);
      known.set(id, was);
    }
    const changes = identityChanges(was, orderIdentity(item.event.payload));
    if (changes.length > 0) changed.push({ item, reason: `order ${id} cannot change its user, restaurant, date or items once stored: ${changes.join('; ')}` });
    else kept.push(item);
  }
  return { kept, changed };
}
