import type { ClosedOrder, ClosedOrderProduct } from '@orders-dwh/shared/contracts';

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

/** All users' CLOSED orders holding a product (popularity, and the base of "often ordered with"). */
export interface ProductTotalDelta {
  product_id: string;
  product_name: string;
  category_id: string;
  category_name: string;
  order_cnt: number;
}

/** CLOSED orders holding both products; each pair is counted in both directions. */
export interface ProductPairDelta {
  product_id: string;
  other_product_id: string;
  order_cnt: number;
}

export interface CounterDeltas {
  products: ProductCounterDelta[];
  categories: CategoryCounterDelta[];
  productTotals: ProductTotalDelta[];
  productPairs: ProductPairDelta[];
}

/** Deltas keyed by their ids joined with spaces: adds 1 to a key, creating its row on first sight. */
class DeltaSet<T extends { order_cnt: number }> {
  private readonly byKey = new Map<string, T>();

  /** Adds one order to the key's delta; `latest` overwrites the names (the last seen wins). */
  add(key: string, create: () => T, latest?: (delta: T) => void): void {
    let delta = this.byKey.get(key);
    if (!delta) {
      delta = create();
      this.byKey.set(key, delta);
    }
    delta.order_cnt += 1;
    latest?.(delta);
  }

  /** Sorted by key, so that concurrent writers lock counter rows in the same order. */
  sorted(): T[] {
    return [...this.byKey.keys()].sort().map((key) => this.byKey.get(key)!);
  }
}

/** The order's products, one per product id, and one per category (the first of it). */
function distinctItems(order: ClosedOrder): { products: ClosedOrderProduct[]; categories: ClosedOrderProduct[] } {
  const products = new Map<string, ClosedOrderProduct>();
  const categories = new Map<string, ClosedOrderProduct>();
  for (const item of order.products) {
    if (!products.has(item.product_id)) products.set(item.product_id, item);
    if (!categories.has(item.category_id)) categories.set(item.category_id, item);
  }
  return { products: [...products.values()], categories: [...categories.values()] };
}

/**
 * What the orders add to the datamarts: each distinct order adds 1 per (user, product), per (user,
 * category) however many of its products share the category, per product, and per ordered pair of
 * its distinct products. Names are the last seen.
 */
export function toCounterDeltas(orders: readonly ClosedOrder[]): CounterDeltas {
  const distinctOrders = new Map(orders.map((order) => [order.order_id, order]));
  const products = new DeltaSet<ProductCounterDelta>();
  const categories = new DeltaSet<CategoryCounterDelta>();
  const productTotals = new DeltaSet<ProductTotalDelta>();
  const productPairs = new DeltaSet<ProductPairDelta>();

  for (const order of distinctOrders.values()) {
    const items = distinctItems(order);
    for (const item of items.products) {
      const { product_id, product_name, category_id, category_name } = item;
      products.add(
        `${order.user_id} ${product_id}`,
        () => ({ user_id: order.user_id, product_id, product_name, order_cnt: 0 }),
        (d) => (d.product_name = product_name),
      );
      productTotals.add(
        product_id,
        () => ({ product_id, product_name, category_id, category_name, order_cnt: 0 }),
        (d) => Object.assign(d, { product_name, category_id, category_name }),
      );
      for (const other of items.products) {
        if (other.product_id !== product_id)
          productPairs.add(`${product_id} ${other.product_id}`, () => ({ product_id, other_product_id: other.product_id, order_cnt: 0 }));
      }
    }
    for (const { category_id, category_name } of items.categories) {
      categories.add(
        `${order.user_id} ${category_id}`,
        () => ({ user_id: order.user_id, category_id, category_name, order_cnt: 0 }),
        (d) => (d.category_name = category_name),
      );
    }
  }
  return {
    products: products.sorted(),
    categories: categories.sorted(),
    productTotals: productTotals.sorted(),
    productPairs: productPairs.sorted(),
  };
}
