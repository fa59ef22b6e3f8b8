// Hand-made reference data and order lifecycles for the redrive and lifecycle tests.
import type { Redis } from 'ioredis';
import type { OrderEvent, OrderStatus } from '@orders-dwh/shared/contracts';
import type { ReferenceRestaurant, ReferenceUser } from '@orders-dwh/shared/reference';
import { storeReference } from '../../support/reference-data.ts';

const userOf = (n: number, name: string): ReferenceUser => ({
  id: `a${'0'.repeat(22)}${n}`,
  name,
  login: name.toLowerCase(),
  update_ts: '2024-01-01T00:00:00.000Z',
});
export const users = { ada: userOf(1, 'Ada'), grace: userOf(2, 'Grace'), alan: userOf(3, 'Alan') };

export const restaurant: ReferenceRestaurant = {
  id: 'b00000000000000000000001',
  name: 'Analytical Kitchen',
  update_ts: '2024-01-01T00:00:00.000Z',
  menu: [
    { id: 'c00000000000000000000001', name: 'Borscht', price: 300, category: 'Soups' },
    { id: 'c00000000000000000000002', name: 'Pelmeni', price: 450, category: 'Main courses' },
    { id: 'c00000000000000000000003', name: 'Kompot', price: 120, category: 'Drinks' },
    { id: 'c00000000000000000000004', name: 'Solyanka', price: 320, category: 'Soups' },
  ],
};

export async function writeReference(redis: Redis, prefix: string, refUsers: ReferenceUser[]): Promise<void> {
  await storeReference(redis, prefix, { users: refUsers, restaurants: [restaurant] });
}

/**
 * One event per status in `path` (what the source sends in lifecycle mode): each carries the statuses
 * so far, its status as final_status and its time as update_ts. Statuses are ten minutes apart.
 */
export function lifecycle(id: number, path: OrderStatus[], options: { user: ReferenceUser; itemIndexes?: number[]; start?: string }): OrderEvent[] {
  const start = Date.parse(options.start ?? '2025-03-01T10:00:00.000Z');
  const statuses = path.map((status, i) => ({ status, dttm: new Date(start + i * 600_000).toISOString() }));
  const order_items = (options.itemIndexes ?? [0, 2]).map((index, i) => {
    const item = restaurant.menu[index]!;
    return { id: item.id, name: item.name, price: item.price, category: item.category, quantity: i + 1 };
  });
  const cost = order_items.reduce((sum, item) => sum + item.price * item.quantity, 0);
  return statuses.map((current, i) => ({
    object_id: id,
    object_type: 'order',
    sent_dttm: current.dttm,
    payload: {
      restaurant: { id: restaurant.id },
      user: { id: options.user.id },
      date: statuses[0]!.dttm,
      order_items,
      bonus_payment: 0,
      cost,
      payment: cost,
      bonus_grant: 0,
      statuses: statuses.slice(0, i + 1),
      final_status: current.status,
      update_ts: current.dttm,
    },
  }));
}
