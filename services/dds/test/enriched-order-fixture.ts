// Builds enriched orders for tests: small, readable, every field overridable.
import type { EnrichedOrder, EnrichedProduct, OrderStatus } from '@orders-dwh/shared/contracts';

export const hexId = (n: number) => n.toString(16).padStart(24, '0');

export const menu: Record<string, EnrichedProduct> = {
  soup: { id: hexId(101), name: 'Tomato soup', price: 300, quantity: 1, category: 'Soups' },
  borscht: { id: hexId(102), name: 'Borscht', price: 350, quantity: 2, category: 'Soups' },
  steak: { id: hexId(103), name: 'Steak', price: 900, quantity: 1, category: 'Main courses' },
  tea: { id: hexId(104), name: 'Green tea', price: 100, quantity: 3, category: 'Drinks' },
};

export interface OrderSpec {
  id: number;
  status?: OrderStatus;
  updateTs?: string;
  userId?: number;
  userName?: string;
  restaurantId?: number;
  products?: EnrichedProduct[];
}

export function enrichedOrder(spec: OrderSpec): EnrichedOrder {
  const products = spec.products ?? [menu.soup, menu.steak];
  const cost = products.reduce((sum, p) => sum + p.price * p.quantity, 0);
  const userId = spec.userId ?? 1;
  const restaurantId = spec.restaurantId ?? 1;
  return {
    object_id: spec.id,
    object_type: 'order',
    payload: {
      id: spec.id,
      date: '2025-11-20T10:00:00.000Z',
      update_ts: spec.updateTs ?? '2025-11-20T10:00:00.000Z',
      cost,
      payment: cost,
      status: spec.status ?? 'OPEN',
      restaurant: { id: hexId(restaurantId), name: `Restaurant ${restaurantId}` },
      user: { id: hexId(userId), name: spec.userName ?? `User ${userId}`, login: `user${userId}` },
      products,
    },
  };
}

/** The events of one order going through the given statuses, one minute apart. */
export function orderLifecycle(spec: Omit<OrderSpec, 'status' | 'updateTs'>, statuses: OrderStatus[]): EnrichedOrder[] {
  const start = Date.parse('2025-11-20T10:00:00.000Z');
  return statuses.map((status, i) => enrichedOrder({ ...spec, status, updateTs: new Date(start + i * 60_000).toISOString() }));
}
