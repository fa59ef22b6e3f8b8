import type { OrderEvent } from '@orders-dwh/shared/contracts';
import type { ReferenceRestaurant, ReferenceUser } from '@orders-dwh/shared/reference';

export const user: ReferenceUser = {
  id: 'aaaaaaaaaaaaaaaaaaaaaaa1',
  name: 'Ada Lovelace',
  login: 'ada',
  update_ts: '2024-01-01T00:00:00.000Z',
};

export const restaurant: ReferenceRestaurant = {
  id: 'bbbbbbbbbbbbbbbbbbbbbbb1',
  name: 'Analytical Kitchen',
  update_ts: '2024-01-01T00:00:00.000Z',
  menu: [
    { id: 'ccccccccccccccccccccccc1', name: 'Borscht', price: 300, category: 'Soups' },
    { id: 'ccccccccccccccccccccccc2', name: 'Pelmeni', price: 450, category: 'Main courses' },
    { id: 'ccccccccccccccccccccccc3', name: 'Kompot', price: 120, category: 'Drinks' },
  ],
};

const STATUSES = ['OPEN', 'COOKING', 'DELIVERING', 'CLOSED'] as const;

/** A contract-valid event of order `id` that has reached `status` (its timestamps grow a minute per status). */
export function orderEvent(
  id: number,
  status: (typeof STATUSES)[number] = 'CLOSED',
  overrides: { userId?: string; restaurantId?: string; itemIds?: string[]; start?: string } = {},
): OrderEvent {
  const start = Date.parse(overrides.start ?? '2025-03-01T10:00:00.000Z');
  const statuses = STATUSES.slice(0, STATUSES.indexOf(status) + 1).map((s, i) => ({
    status: s,
    dttm: new Date(start + i * 60_000).toISOString(),
  }));
  const itemIds = overrides.itemIds ?? [restaurant.menu[0].id, restaurant.menu[2].id];
  const order_items = itemIds.map((itemId, i) => {
    const onMenu = restaurant.menu.find((m) => m.id === itemId) ?? { id: itemId, name: 'Mystery', price: 999, category: 'Sides' };
    return { id: onMenu.id, name: onMenu.name, price: onMenu.price, category: onMenu.category, quantity: i + 1 };
  });
  const cost = order_items.reduce((s, item) => s + item.price * item.quantity, 0);
  return {
    object_id: id,
    object_type: 'order',
    sent_dttm: '2025-03-01T12:00:00.000Z',
    payload: {
      restaurant: { id: overrides.restaurantId ?? restaurant.id },
      user: { id: overrides.userId ?? user.id },
      date: statuses[0].dttm,
      order_items,
      bonus_payment: 100,
      cost,
      payment: cost - 100,
      bonus_grant: 5,
      statuses,
      final_status: status,
      update_ts: statuses[statuses.length - 1].dttm,
    },
  };
}
