import type { OrderEvent } from '@orders-dwh/shared/contracts';

/**
 * One event per order: the one with the latest payload.update_ts, the later one in the batch on a
 * tie. A multi-row upsert cannot touch one row twice, so the batch is reduced to this first.
 */
export function latestEventPerOrder<T extends { event: OrderEvent }>(items: readonly T[]): T[] {
  const latest = new Map<number, { item: T; updatedAt: number }>();
  for (const item of items) {
    const updatedAt = Date.parse(item.event.payload.update_ts);
    const current = latest.get(item.event.object_id);
    if (!current || updatedAt >= current.updatedAt) latest.set(item.event.object_id, { item, updatedAt });
  }
  return [...latest.values()].map(({ item }) => item);
}
