import type { EnrichedOrder, OrderEvent } from '@orders-dwh/shared/contracts';
import type { MenuItem, ReferenceRestaurant, ReferenceUser } from '@orders-dwh/shared/reference';

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
      statuses: payload.statuses.map(({ status, dttm }) => ({ status, dttm })),
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
 * or differs from it in name or category; empty when every item matches. An item with a real
 * product id but another category or name would give the product a second category or name in the
 * vault, and the counters would drift from the truth for good. The price is not compared: it is
 * what the order paid, a fact of the order, and an order placed before a menu price change still
 * arrives with the old price (the vault keeps each order's price and the price history).
 */
export function menuMismatches(event: OrderEvent, menu: ReadonlyMap<string, MenuItem>): string[] {
  const mismatches: string[] = [];
  for (const item of event.payload.order_items) {
    const listed = menu.get(item.id);
    if (!listed) {
      mismatches.push(`item ${item.id} is not on the menu`);
      continue;
    }
    for (const field of ['name', 'category'] as const) {
      if (item[field] !== listed[field])
        mismatches.push(`item ${item.id} has ${field} ${JSON.stringify(item[field])} where the menu says ${JSON.stringify(listed[field])}`);
    }
  }
  return mismatches;
}

/** Why the event's cost is not what its items add up to (Σ price × quantity), or null. */
export function costProblem(event: OrderEvent): string | null {
  const { order_items, cost } = event.payload;
  const sum = order_items.reduce((total, item) => total + item.price * item.quantity, 0);
  return sum === cost ? null : `cost ${cost} is not the sum of its items' price × quantity (${sum})`;
}

/**
 * Items listed more than once at different prices, one phrase each. The vault holds one line per
 * product of an order (the quantities of repeated items added up, at one price), so an order that
 * paid two prices for one product cannot be filed as it is.
 */
export function repeatedItemPrices(event: OrderEvent): string[] {
  const prices = new Map<string, Set<number>>();
  for (const { id, price } of event.payload.order_items) prices.set(id, (prices.get(id) ?? new Set()).add(price));
  return [...prices].filter(([, seen]) => seen.size > 1).map(([id, seen]) => `item ${id} is listed at ${[...seen].join(' and ')}`);
}

const TERMINAL = new Set(['CLOSED', 'CANCELLED']);

/**
 * Why the event's status history cannot be the order's: not in time order, a terminal status
 * (CLOSED, CANCELLED) before its end, or an end other than final_status at update_ts. dds files
 * every status of the history, and the counters follow CLOSED, so a history that says otherwise
 * than the event would count what the event does not.
 */
export function statusHistoryProblems(event: OrderEvent): string[] {
  const { statuses, final_status, update_ts } = event.payload;
  const problems: string[] = [];
  const times = statuses.map((s) => Date.parse(s.dttm));
  if (times.some((t, i) => i > 0 && t < times[i - 1]!)) problems.push('statuses are not in time order');
  const terminal = statuses.findIndex((s) => TERMINAL.has(s.status));
  if (terminal >= 0 && terminal < statuses.length - 1) problems.push(`status ${statuses[terminal]!.status} is followed by ${statuses[terminal + 1]!.status}`);
  const last = statuses[statuses.length - 1]!;
  if (last.status !== final_status) problems.push(`the last status is ${last.status}, final_status is ${final_status}`);
  if (times[times.length - 1] !== Date.parse(update_ts)) problems.push(`the last status is at ${last.dttm}, update_ts is ${update_ts}`);
  return problems;
}
