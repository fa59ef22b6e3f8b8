// What a crash-free run makes of a stream of order events: the warehouse is a function of the
// stg_service topic alone (duplicates and order of delivery must not matter), so the tests derive
// the expected stg, dds and cdm contents from the topic itself and compare every row.
import type { OrderEvent } from '@orders-dwh/shared/contracts';

export interface ExpectedOrder {
  /** Status of the event with the latest update_ts: what stg.order_events keeps. */
  latestStatus: string;
  latestUpdateTs: string;
  /** Distinct statuses reached, in time order: the rows of dds.s_order_status. */
  statusHistory: string[];
  /** productId → its line's versions in time order, "quantity@price" (dds.s_order_product_lines). */
  lines: Map<string, string[]>;
  /** The restaurant id and the order date (dds.l_order_restaurant, l_order_user.order_dt). */
  restaurant: string;
  orderDt: string;
  closed: boolean;
}

export interface ExpectedWarehouse {
  orders: Map<number, ExpectedOrder>;
  /** `${userId} ${productId}` → number of distinct CLOSED orders (business ids, not hub keys). */
  productCounters: Map<string, number>;
  /** `${userId} ${categoryName}` → number of distinct CLOSED orders. */
  categoryCounters: Map<string, number>;
  /** productId → distinct CLOSED orders holding it (cdm.product_counters). */
  productTotals: Map<string, number>;
  /** `${productId} ${otherProductId}` → distinct CLOSED orders holding both (cdm.product_pair_counters). */
  productPairs: Map<string, number>;
  closedOrders: number;
  /** productId → its price versions in time order (dds.s_product_prices). */
  productPrices: Map<string, number[]>;
}

/** The values in time order with each run of equal values kept once: what a changes-only satellite holds. */
function changesOnly<T>(observations: Array<{ at: number; value: T }>, same: (a: T, b: T) => boolean = (a, b) => a === b): T[] {
  const history: T[] = [];
  for (const { value } of [...observations].sort((a, b) => a.at - b.at)) {
    if (history.length === 0 || !same(history[history.length - 1]!, value)) history.push(value);
  }
  return history;
}

/** One line per product of an event: quantities of a product listed twice add up. */
function eventLines(event: OrderEvent): Map<string, string> {
  const quantities = new Map<string, { quantity: number; price: number }>();
  for (const item of event.payload.order_items) {
    const seen = quantities.get(item.id);
    quantities.set(item.id, { quantity: (seen?.quantity ?? 0) + item.quantity, price: item.price });
  }
  return new Map([...quantities].map(([id, { quantity, price }]) => [id, `${quantity}@${price}`]));
}

export function expectedWarehouse(events: readonly OrderEvent[]): ExpectedWarehouse {
  const byOrder = new Map<number, OrderEvent[]>();
  for (const event of events) byOrder.set(event.object_id, [...(byOrder.get(event.object_id) ?? []), event]);

  const orders = new Map<number, ExpectedOrder>();
  const productCounters = new Map<string, number>();
  const categoryCounters = new Map<string, number>();
  const productTotals = new Map<string, number>();
  const productPairs = new Map<string, number>();
  const add = (counters: Map<string, number>, key: string) => counters.set(key, (counters.get(key) ?? 0) + 1);
  const priceObservations = new Map<string, Array<{ at: number; value: number }>>();
  for (const event of events) {
    for (const item of event.payload.order_items) {
      priceObservations.set(item.id, [...(priceObservations.get(item.id) ?? []), { at: Date.parse(event.payload.update_ts), value: item.price }]);
    }
  }

  for (const [id, orderEvents] of byOrder) {
    const latest = orderEvents.reduce((a, b) => (Date.parse(b.payload.update_ts) > Date.parse(a.payload.update_ts) ? b : a));
    const reached = new Map<string, number>();
    // Every status an event carries in its history, at its own time, and its current one.
    for (const e of orderEvents) {
      for (const { status, dttm } of e.payload.statuses) reached.set(status, Date.parse(dttm));
      reached.set(e.payload.final_status, Date.parse(e.payload.update_ts));
    }
    const statusHistory = [...reached].sort((a, b) => a[1] - b[1]).map(([status]) => status);
    const closedEvent = orderEvents.find((e) => e.payload.final_status === 'CLOSED');
    const lineObservations = new Map<string, Array<{ at: number; value: string }>>();
    for (const e of orderEvents) {
      for (const [productId, line] of eventLines(e))
        lineObservations.set(productId, [...(lineObservations.get(productId) ?? []), { at: Date.parse(e.payload.update_ts), value: line }]);
    }
    const lines = new Map([...lineObservations].map(([productId, observed]) => [productId, changesOnly(observed)]));
    const first = orderEvents[0]!.payload;
    orders.set(id, {
      latestStatus: latest.payload.final_status,
      latestUpdateTs: new Date(latest.payload.update_ts).toISOString(),
      statusHistory,
      lines,
      restaurant: first.restaurant.id,
      orderDt: new Date(first.date).toISOString(),
      closed: !!closedEvent,
    });
    if (!closedEvent) continue;
    const user = closedEvent.payload.user.id;
    const productIds = new Set(closedEvent.payload.order_items.map((item) => item.id));
    for (const productId of productIds) {
      add(productCounters, `${user} ${productId}`);
      add(productTotals, productId);
      for (const otherId of productIds) if (otherId !== productId) add(productPairs, `${productId} ${otherId}`);
    }
    for (const category of new Set(closedEvent.payload.order_items.map((item) => item.category))) add(categoryCounters, `${user} ${category}`);
  }
  const productPrices = new Map([...priceObservations].map(([productId, observed]) => [productId, changesOnly(observed)]));
  return {
    orders,
    productCounters,
    categoryCounters,
    productTotals,
    productPairs,
    closedOrders: [...orders.values()].filter((o) => o.closed).length,
    productPrices,
  };
}
