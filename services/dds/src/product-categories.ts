import type { PoolClient } from 'pg';
import type { EnrichedOrder } from '@orders-dwh/shared/contracts';
import { pgArrayLiteral } from '@orders-dwh/shared/clients';
import { hubs } from './vault-model.ts';
import { hubKey } from './vault-rows.ts';

/** A product's one category: its hub key and its name as first loaded. */
export interface ProductCategory {
  key: string;
  name: string;
}

/**
 * The category the vault holds for each of these products (by product hub key), one index probe each.
 * A product has one category (`l_product_category` is unique by product since migration
 * 20251203000100000): the category counters count an order under its products' categories, and the
 * truth over the vault joins every link of a product, so a second one would count its orders twice.
 */
export async function storedProductCategories(db: Pick<PoolClient, 'query'>, productKeys: readonly string[]): Promise<Map<string, ProductCategory>> {
  if (productKeys.length === 0) return new Map();
  const { rows } = await db.query<{ product: string; key: string; name: string }>({
    name: 'dds_stored_product_categories',
    text: `SELECT pc.h_product_pk AS product, pc.h_category_pk AS key, c.category_name AS name
             FROM dds.l_product_category pc JOIN dds.h_category c ON c.h_category_pk = pc.h_category_pk
            WHERE pc.h_product_pk = ANY($1::uuid[])`,
    values: [pgArrayLiteral(productKeys)],
  });
  return new Map(rows.map((r) => [r.product, { key: r.key, name: r.name }]));
}

/** The hub key of every distinct product id of the orders, each hashed once. */
export function productKeysOf(orders: readonly EnrichedOrder[]): Map<string, string> {
  const keys = new Map<string, string>();
  for (const order of orders) {
    for (const { id } of order.payload.products) if (!keys.has(id)) keys.set(id, hubKey(hubs.product, { product_id: id }));
  }
  return keys;
}

/**
 * Splits the batch's orders, in topic order, into those that keep every product in its category and
 * the reasons for those that would give one another: the stored category, or else the one its first
 * order kept here gives it. `productKeys` are productKeysOf(orders).
 */
export function checkProductCategories(
  orders: readonly EnrichedOrder[],
  productKeys: ReadonlyMap<string, string>,
  stored: ReadonlyMap<string, ProductCategory>,
): { kept: EnrichedOrder[]; refused: Array<{ order: EnrichedOrder; reason: string }> } {
  const known = new Map(stored);
  const categoryKeys = new Map<string, string>();
  const categoryKey = (name: string) => {
    let key = categoryKeys.get(name);
    if (key === undefined) {
      key = hubKey(hubs.category, { category_name: name });
      categoryKeys.set(name, key);
    }
    return key;
  };
  const kept: EnrichedOrder[] = [];
  const refused: Array<{ order: EnrichedOrder; reason: string }> = [];
  for (const order of orders) {
    const claimed = new Map<string, ProductCategory>();
    const conflicts: string[] = [];
    for (const item of order.payload.products) {
      const product = productKeys.get(item.id)!;
      const has = known.get(product) ?? claimed.get(product);
      // The same name is the same category; another name may still be (hub keys are case- and space-blind).
      if (has?.name === item.category) continue;
      const key = categoryKey(item.category);
      if (!has) claimed.set(product, { key, name: item.category });
      else if (has.key !== key) conflicts.push(`product ${item.id} is in ${JSON.stringify(has.name)}, not ${JSON.stringify(item.category)}`);
    }
    if (conflicts.length > 0) {
      refused.push({ order, reason: `a product keeps the category it was first loaded with: ${conflicts.join('; ')}` });
      continue;
    }
    for (const [product, category] of claimed) known.set(product, category);
    kept.push(order);
  }
  return { kept, refused };
}
