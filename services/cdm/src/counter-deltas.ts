import type { ClosedOrder } from '../../shared/src/contracts/index.ts';

export interface ProductCounterDelta {
  user_id: string;
  product_id: string;
  product_name: string;
  order_cnt: number;
}

export interface CategoryCounterDelta {
  user_id: string;
  category_id: string;
  category_name: string;
  order_cnt: number;
}

export interface CounterDeltas {
  products: ProductCounterDelta[];
  categories: CategoryCounterDelta[];
}

/** The deltas sorted by their "user item" keys. */
const sortedByKey = <T>(deltas: Map<string, T>): T[] => [...deltas.keys()].sort().map((key) => deltas.get(key)!);

/**
 * What the orders add to the counters: each distinct order adds 1 per (user, product) and 1 per
 * (user, category) it contains, however many of its products share the category. Names are the
 * last seen. Sorted by key so that concurrent writers lock counter rows in the same order.
 */
export function toCounterDeltas(orders: readonly ClosedOrder[]): CounterDeltas {
  const distinctOrders = new Map(orders.map((order) => [order.order_id, order]));
  const products = new Map<string, ProductCounterDelta>();
  const categories = new Map<string, CategoryCounterDelta>();

  for (const order of distinctOrders.values()) {
    const seenProducts = new Set<string>();
    const seenCategories = new Set<string>();
    for (const item of order.products) {
      if (!seenProducts.has(item.product_id)) {
        seenProducts.add(item.product_id);
        const key = `${order.user_id} ${item.product_id}`;
        const delta = products.get(key) ?? { user_id: order.user_id, product_id: item.product_id, product_name: item.product_name, order_cnt: 0 };
        delta.order_cnt += 1;
        delta.product_name = item.product_name;
        products.set(key, delta);
      }
      if (!seenCategories.has(item.category_id)) {
        seenCategories.add(item.category_id);
        const key = `${order.user_id} ${item.category_id}`;
        const delta = categories.get(key) ?? { user_id: order.user_id, category_id: item.category_id, category_name: item.category_name, order_cnt: 0 };
        delta.order_cnt += 1;
        delta.category_name = item.category_name;
        categories.set(key, delta);
      }
    }
  }
  return {
    products: sortedByKey(products),
    categories: sortedByKey(categories),
  };
}
