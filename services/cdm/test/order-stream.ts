// A reproducible stream of order events, the way the topics deliver them: each order's events in
// order, orders interleaved, some orders never closing.
import type { EnrichedOrder, EnrichedProduct, OrderStatus } from '@orders-dwh/shared/contracts';
import { enrichedOrder, hexId } from '../../dds/test/enriched-order-fixture.ts';
import { seededRandom } from '../../source/src/random.ts';

const categories = ['Starters', 'Soups', 'Main courses', 'Drinks'];
export const streamMenu: EnrichedProduct[] = Array.from({ length: 10 }, (_, i) => ({
  id: hexId(500 + i),
  name: `Dish ${i}`,
  price: 100 + i * 50,
  quantity: 1,
  category: categories[i % categories.length],
}));

const lifecycles: OrderStatus[][] = [
  ['OPEN', 'COOKING', 'DELIVERING', 'CLOSED'],
  ['OPEN', 'CLOSED'],
  ['OPEN', 'COOKING', 'CANCELLED'],
  ['OPEN', 'COOKING'],
];

export function orderStream(options: { seed: number; orders: number; firstId?: number }): EnrichedOrder[] {
  const next = seededRandom(options.seed);
  const pick = <T>(values: readonly T[]) => values[Math.floor(next() * values.length)];
  const queues = Array.from({ length: options.orders }, (_, i) => {
    const id = (options.firstId ?? 1) + i;
    const products = [...new Set(Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(streamMenu)))];
    const userId = 1 + Math.floor(next() * 6);
    const start = Date.parse('2025-11-20T10:00:00Z') + i * 1000;
    return pick(lifecycles).map((status, step) =>
      enrichedOrder({ id, userId, restaurantId: 1, products, status, updateTs: new Date(start + step * 60_000).toISOString() }),
    );
  });
  const events: EnrichedOrder[] = [];
  while (queues.some((q) => q.length > 0)) {
    const open = queues.filter((q) => q.length > 0);
    events.push(pick(open).shift()!);
  }
  return events;
}

export function inBatches<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}
