// A small warehouse for the read API's tests: orders of several users at three restaurants, pushed
// through the dds and cdm stages, and what each route must answer, computed here from the events
// alone (plain maps over the orders, no SQL, none of the API's code).
import type { EnrichedOrder, EnrichedProduct, OrderStatus } from '@orders-dwh/shared/contracts';
import { hubHashKey } from '@orders-dwh/shared/vault';
import { hexId } from '../../dds/test/enriched-order-fixture.ts';
import { seededRandom } from '../../source/src/random.ts';

const CATEGORIES = ['Soups', 'Main courses', 'Drinks'];
export const restaurants = [1, 2, 3].map((r) => ({
  id: hexId(0xaa0 + r),
  name: `Restaurant ${r}`,
  menu: Array.from(
    { length: 6 },
    (_, i): EnrichedProduct => ({
      id: hexId(0xbb00 + r * 16 + i),
      name: `Dish ${r}.${i}`,
      price: 100 + 25 * i + r,
      quantity: 1,
      category: CATEGORIES[(i + r) % CATEGORIES.length]!,
    }),
  ),
}));
const products = restaurants.flatMap((r) => r.menu.map((p) => ({ ...p, restaurant: r })));
export const productById = new Map(products.map((p) => [p.id, p]));

/** Users 1–7 order; user 8 has only orders that never closed; user 9 is in no order at all. */
export const userIds = Array.from({ length: 8 }, (_, i) => hexId(0xcc00 + i + 1));
export const coldUser = userIds[7]!;
export const unknownUser = hexId(0xcc00 + 9);

export interface PushedOrder {
  id: number;
  user: string;
  restaurant: string;
  date: string;
  statuses: Array<{ status: OrderStatus; at: string }>;
  cost: number;
  payment: number;
  items: Array<{ product_id: string; name: string; quantity: number; price: number }>;
}

const LIFECYCLES: OrderStatus[][] = [
  ['OPEN', 'COOKING', 'DELIVERING', 'CLOSED'],
  ['OPEN', 'CLOSED'],
  ['OPEN', 'CANCELLED'],
  ['OPEN', 'COOKING'],
];

/** The orders and their events (each order's in time order, orders interleaved, a few sent twice). */
export function readApiWarehouse(seed: number, count: number): { orders: PushedOrder[]; events: EnrichedOrder[] } {
  const random = seededRandom(seed);
  const pick = <T>(values: readonly T[]) => values[Math.floor(random() * values.length)]!;
  const orders: PushedOrder[] = [];
  const queues: EnrichedOrder[][] = [];
  for (let n = 0; n < count; n++) {
    const id = 5000 + n;
    const user = n % 10 === 9 ? coldUser : pick(userIds.slice(0, 7));
    const restaurant = pick(restaurants);
    const lines = [...new Set(Array.from({ length: 1 + Math.floor(random() * 4) }, () => pick(restaurant.menu)))].map((p) => ({
      ...p,
      quantity: 1 + Math.floor(random() * 3),
    }));
    // Dates on a coarse grid, so that some orders of a user share one: pages must still not skip or repeat.
    const date = new Date(Date.parse('2025-10-01T00:00:00Z') + Math.floor(random() * 40) * 3_600_000).toISOString();
    const lifecycle = user === coldUser ? pick(LIFECYCLES.slice(2)) : pick(LIFECYCLES);
    const statuses = lifecycle.map((status, i) => ({ status, at: new Date(Date.parse(date) + i * 600_000).toISOString() }));
    const cost = lines.reduce((s, p) => s + p.price * p.quantity, 0);
    const payment = cost - (n % 3 === 0 ? 50 : 0);
    orders.push({
      id,
      user,
      restaurant: restaurant.id,
      date,
      statuses,
      cost,
      payment,
      items: lines
        .map((p) => ({ product_id: p.id, name: p.name, quantity: p.quantity, price: p.price }))
        .sort((a, b) => (a.product_id < b.product_id ? -1 : 1)),
    });
    queues.push(
      statuses.map(({ status, at }) => ({
        object_id: id,
        object_type: 'order',
        payload: {
          id,
          date,
          update_ts: at,
          cost,
          payment,
          status,
          restaurant: { id: restaurant.id, name: restaurant.name },
          user: { id: user, name: `User ${user.slice(-2)}`, login: `u${user.slice(-2)}` },
          products: lines,
        },
      })),
    );
  }
  const events: EnrichedOrder[] = [];
  while (queues.some((q) => q.length > 0)) {
    const queue = pick(queues.filter((q) => q.length > 0));
    const event = queue.shift()!;
    events.push(event);
    if (random() < 0.05) events.push(event);
  }
  return { orders, events };
}

const closed = (orders: readonly PushedOrder[]) => orders.filter((o) => o.statuses.some((s) => s.status === 'CLOSED'));
const byCountThen =
  <T>(count: (t: T) => number, tie: (t: T) => string) =>
  (a: T, b: T) =>
    count(b) - count(a) || (tie(a) < tie(b) ? -1 : tie(a) > tie(b) ? 1 : 0);

export interface Datamarts {
  userProducts: Map<string, Map<string, number>>;
  userCategories: Map<string, Map<string, number>>;
  totals: Map<string, number>;
  pairs: Map<string, Map<string, number>>;
}

export function datamarts(orders: readonly PushedOrder[]): Datamarts {
  const marts: Datamarts = { userProducts: new Map(), userCategories: new Map(), totals: new Map(), pairs: new Map() };
  const bump = (map: Map<string, Map<string, number>>, a: string, b: string) => {
    const inner = map.get(a) ?? new Map<string, number>();
    inner.set(b, (inner.get(b) ?? 0) + 1);
    map.set(a, inner);
  };
  for (const order of closed(orders)) {
    const ids = order.items.map((i) => i.product_id);
    for (const id of ids) {
      bump(marts.userProducts, order.user, id);
      marts.totals.set(id, (marts.totals.get(id) ?? 0) + 1);
      for (const other of ids) if (other !== id) bump(marts.pairs, id, other);
    }
    for (const category of new Set(ids.map((id) => productById.get(id)!.category))) bump(marts.userCategories, order.user, category);
  }
  return marts;
}

/** The user's orders newest first; orders of one date in descending order of their hub keys. */
export function historyOf(orders: readonly PushedOrder[], user: string): PushedOrder[] {
  const key = (o: PushedOrder) => `${o.date} ${hubHashKey(o.id)}`;
  return orders.filter((o) => o.user === user).sort((a, b) => (key(a) < key(b) ? 1 : key(a) > key(b) ? -1 : 0));
}

export function expectedCounters(marts: Datamarts, user: string, limit: number) {
  const categories = [...(marts.userCategories.get(user) ?? new Map())].sort(
    byCountThen(
      ([, n]) => n,
      ([c]) => c,
    ),
  );
  const userProducts = [...(marts.userProducts.get(user) ?? new Map())].sort(
    byCountThen(
      ([, n]) => n,
      ([p]) => hubHashKey(p),
    ),
  );
  return {
    categories: categories.slice(0, limit).map(([category, orders]) => ({ category, orders })),
    products: userProducts.slice(0, limit).map(([product_id, orders]) => ({ product_id, orders })),
  };
}

export function expectedAlsoOrdered(marts: Datamarts, product: string, limit: number) {
  const total = marts.totals.get(product) ?? 0;
  return [...(marts.pairs.get(product) ?? new Map())]
    .sort(
      byCountThen(
        ([, n]) => n,
        ([p]) => hubHashKey(p),
      ),
    )
    .slice(0, limit)
    .map(([product_id, together]) => ({ product_id, orders_together: together, share: Math.round((together / total) * 10_000) / 10_000 }));
}

/**
 * The README's scoring, written out again over business ids: again w(Y), with Σ w(X)·P(Y|X),
 * 0.5·w(C)·P(Y|C) for the top category C, 0.1·popularity; the reason is the largest term.
 */
export function expectedRecommendations(marts: Datamarts, user: string, limit: number) {
  const mine = marts.userProducts.get(user) ?? new Map<string, number>();
  const myTotal = [...mine.values()].reduce((a, b) => a + b, 0);
  const w = (p: string) => (mine.get(p) ?? 0) / myTotal;
  const categories = [...(marts.userCategories.get(user) ?? new Map<string, number>())].sort(
    byCountThen(
      ([, n]) => n,
      ([c]) => hubHashKey(c),
    ),
  );
  const categorySum = categories.reduce((a, [, n]) => a + n, 0);
  const allTotal = [...marts.totals.values()].reduce((a, b) => a + b, 0);
  const terms = new Map<string, Array<{ value: number; reason: string }>>();
  const add = (p: string, value: number, reason: string) => value > 0 && terms.set(p, [...(terms.get(p) ?? []), { value, reason }]);
  for (const [p, n] of [...mine].sort(
    byCountThen(
      ([, c]) => c,
      ([q]) => hubHashKey(q),
    ),
  ))
    add(p, w(p), `order again: in ${n} of your orders`);
  for (const [x] of [...mine].sort(
    byCountThen(
      ([, n]) => n,
      ([p]) => hubHashKey(p),
    ),
  )) {
    for (const [y, both] of marts.pairs.get(x) ?? []) add(y, w(x) * (both / marts.totals.get(x)!), `often ordered with ${productById.get(x)!.name}`);
  }
  if (categories.length > 0) {
    const [top, n] = categories[0]!;
    const inTop = [...marts.totals].filter(([p]) => productById.get(p)!.category === top);
    const topSum = inTop.reduce((a, [, t]) => a + t, 0);
    for (const [p, t] of inTop) add(p, 0.5 * (n / categorySum) * (t / topSum), `popular in ${top}, your top category`);
  }
  for (const [p, t] of marts.totals) add(p, 0.1 * (t / allTotal), 'popular with everyone');
  return [...terms]
    .map(([product_id, list]) => ({
      product_id,
      score: Math.round(list.reduce((a, t) => a + t.value, 0) * 10_000) / 10_000,
      // The first largest term, in the order the terms were added (again, with, category, popular).
      reason: list.reduce((best, t) => (t.value > best.value ? t : best)).reason,
      order_again: mine.has(product_id),
    }))
    .sort(
      byCountThen(
        (r) => r.score,
        (r) => hubHashKey(r.product_id),
      ),
    )
    .slice(0, limit);
}
