// What a crash-free run makes of a stream of order events: the warehouse is a function of the
// stg_service topic alone (duplicates and order of delivery must not matter), so the tests derive
// the expected stg, dds and cdm contents from the topic itself and compare every row.
import type { OrderEvent } from '../../../services/shared/src/contracts/order-event.ts';

export interface ExpectedOrder {
  /** Status of the event with the latest update_ts: what stg.order_events keeps. */
  latestStatus: string;
  latestUpdateTs: string;
  /** Distinct statuses reached, in time order: the rows of dds.s_order_status. */
  statusHistory: string[];
  closed: boolean;
}

export interface ExpectedWarehouse {
  orders: Map<number, ExpectedOrder>;
  /** `${userId} ${productId}` → number of distinct CLOSED orders (business ids, not hub keys). */
  productCounters: Map<string, number>;
  /** `${userId} ${categoryName}` → number of distinct CLOSED orders. */
  categoryCounters: Map<string, number>;
  closedOrders: number;
}

export function expectedWarehouse(events: readonly OrderEvent[]): ExpectedWarehouse {
  const byOrder = new Map<number, OrderEvent[]>();
  for (const event of events) byOrder.set(event.object_id, [...(byOrder.get(event.object_id) ?? []), event]);

  const orders = new Map<number, ExpectedOrder>();
  const productCounters = new Map<string, number>();
  const categoryCounters = new Map<string, number>();
  const add = (counters: Map<string, number>, key: string) => counters.set(key, (counters.get(key) ?? 0) + 1);

  for (const [id, orderEvents] of byOrder) {
    const latest = orderEvents.reduce((a, b) => (Date.parse(b.payload.update_ts) > Date.parse(a.payload.update_ts) ? b : a));
    const reached = new Map<string, number>();
    for (const e of orderEvents) reached.set(e.payload.final_status, Date.parse(e.payload.update_ts));
    const statusHistory = [...reached].sort((a, b) => a[1] - b[1]).map(([status]) => status);
    const closedEvent = orderEvents.find((e) => e.payload.final_status === 'CLOSED');
    orders.set(id, { latestStatus: latest.payload.final_status, latestUpdateTs: new Date(latest.payload.update_ts).toISOString(), statusHistory, closed: !!closedEvent });
    if (!closedEvent) continue;
    const user = closedEvent.payload.user.id;
    for (const productId of new Set(closedEvent.payload.order_items.map((item) => item.id))) add(productCounters, `${user} ${productId}`);
    for (const category of new Set(closedEvent.payload.order_items.map((item) => item.category))) add(categoryCounters, `${user} ${category}`);
  }
  return { orders, productCounters, categoryCounters, closedOrders: [...orders.values()].filter((o) => o.closed).length };
}
