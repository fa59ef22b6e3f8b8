import type pg from 'pg';
import { CatalogCache } from './catalog-cache.ts';

/** What a shop front shows of a product: its business id, name, category, restaurant and menu price. */
export interface ProductDetails {
  product_id: string;
  name: string;
  category: string;
  restaurant: { restaurant_id: string; name: string };
  price: number;
}

export const productDetailsSchema = {
  type: 'object',
  required: ['product_id', 'name', 'category', 'restaurant', 'price'],
  properties: {
    product_id: { type: 'string' },
    name: { type: 'string' },
    category: { type: 'string' },
    restaurant: {
      type: 'object',
      required: ['restaurant_id', 'name'],
      properties: { restaurant_id: { type: 'string' }, name: { type: 'string' } },
    },
    price: { type: 'number', description: 'the latest menu price' },
  },
} as const;

/** A product's details with fields of the answer's own (orders, score, ...), as one response schema. */
export const productWith = (extra: Record<string, unknown>) => ({
  type: 'object',
  required: [...productDetailsSchema.required, ...Object.keys(extra)],
  properties: { ...productDetailsSchema.properties, ...extra },
});

// The latest version of each satellite, the latest category, the first restaurant: index probes per key.
const DETAILS = `
  SELECT p.h_product_pk AS key, p.product_id, n.name, c.category_name AS category, r.restaurant_id, r.name AS restaurant_name, pr.price::float8 AS price
  FROM unnest($1::uuid[]) AS t(key)
  JOIN dds.h_product p ON p.h_product_pk = t.key
  LEFT JOIN LATERAL (SELECT s.name FROM dds.s_product_names s WHERE s.h_product_pk = t.key ORDER BY s.load_dt DESC LIMIT 1) n ON true
  LEFT JOIN LATERAL (SELECT s.price FROM dds.s_product_prices s WHERE s.h_product_pk = t.key ORDER BY s.load_dt DESC LIMIT 1) pr ON true
  LEFT JOIN LATERAL (SELECT k.category_name FROM dds.l_product_category l JOIN dds.h_category k USING (h_category_pk)
                     WHERE l.h_product_pk = t.key ORDER BY l.load_dt DESC LIMIT 1) c ON true
  LEFT JOIN LATERAL (SELECT h.restaurant_id,
                            (SELECT s.name FROM dds.s_restaurant_names s WHERE s.h_restaurant_pk = h.h_restaurant_pk ORDER BY s.load_dt DESC LIMIT 1) AS name
                     FROM dds.l_product_restaurant l JOIN dds.h_restaurant h USING (h_restaurant_pk)
                     WHERE l.h_product_pk = t.key ORDER BY l.load_dt LIMIT 1) r ON true`;

/** Details of the products with these hub keys, by hub key; keys the vault does not hold are absent. */
async function loadProductDetails(db: pg.Pool, keys: readonly string[]): Promise<Map<string, ProductDetails>> {
  type Row = {
    key: string;
    product_id: string;
    name: string | null;
    category: string | null;
    restaurant_id: string | null;
    restaurant_name: string | null;
    price: number | null;
  };
  const { rows } = await db.query<Row>({ name: 'cdm_api_product_details', text: DETAILS, values: [keys] });
  return new Map(
    rows.map((row) => [
      row.key,
      {
        product_id: row.product_id,
        name: row.name ?? '',
        category: row.category ?? '',
        restaurant: { restaurant_id: row.restaurant_id ?? '', name: row.restaurant_name ?? '' },
        price: row.price ?? 0,
      },
    ]),
  );
}

export interface Restaurant {
  restaurant_id: string;
  name: string;
}

const RESTAURANTS = `
  SELECT h.h_restaurant_pk AS key, h.restaurant_id,
         (SELECT s.name FROM dds.s_restaurant_names s WHERE s.h_restaurant_pk = h.h_restaurant_pk ORDER BY s.load_dt DESC LIMIT 1) AS name
  FROM dds.h_restaurant h WHERE h.h_restaurant_pk = ANY($1::uuid[])`;

async function loadRestaurants(db: pg.Pool, keys: readonly string[]): Promise<Map<string, Restaurant>> {
  const { rows } = await db.query<{ key: string; restaurant_id: string; name: string | null }>({
    name: 'cdm_api_restaurants',
    text: RESTAURANTS,
    values: [keys],
  });
  return new Map(rows.map((row) => [row.key, { restaurant_id: row.restaurant_id, name: row.name ?? '' }]));
}

/** What the routes read with: the pool, and the product and restaurant details kept for a few seconds. */
export interface ReadContext {
  db: pg.Pool;
  products: CatalogCache<ProductDetails>;
  restaurants: CatalogCache<Restaurant>;
}

export function createReadContext(db: pg.Pool, ttlMs?: number): ReadContext {
  return {
    db,
    products: new CatalogCache((keys) => loadProductDetails(db, keys), ttlMs),
    restaurants: new CatalogCache((keys) => loadRestaurants(db, keys), ttlMs),
  };
}
