import type { PoolClient } from 'pg';
import type { CategoryCounterDelta, CounterDeltas, ProductCounterDelta, ProductPairDelta, ProductTotalDelta } from './counter-deltas.ts';

/**
 * Records the orders as counted and returns the ids that were not counted before: only those may
 * add to the counters, so a redelivered order is never counted twice. Concurrent writers of the
 * same id wait for each other on the primary key; exactly one of them gets it back.
 * counted_at is the database clock as the row is written (clock_timestamp(), not now(), which is
 * the transaction's start): the counter updates and the commit follow within milliseconds, so it
 * tells when the order's effect became visible — what freshness is measured against.
 */
export async function recordCountedOrders(db: PoolClient, orderIds: readonly string[]): Promise<Set<string>> {
  const ids = [...new Set(orderIds)].sort();
  if (ids.length === 0) return new Set();
  // Named: prepared once per connection instead of parsed and planned for every batch.
  const result = await db.query<{ order_id: string }>({
    name: 'cdm_record_counted_orders',
    text: `INSERT INTO cdm.counted_orders (order_id, counted_at)
     SELECT id, clock_timestamp() FROM unnest($1::uuid[]) AS t(id)
     ON CONFLICT (order_id) DO NOTHING
     RETURNING order_id`,
    values: [ids],
  });
  return new Set(result.rows.map((row) => row.order_id));
}

/** A counter table: the columns written (ids, then names), the key; order_cnt is added to on conflict. */
interface CounterTable<Row> {
  table: string;
  columns: Array<{ name: string & keyof Row; type: 'uuid' | 'text' }>;
  key: ReadonlyArray<string & keyof Row>;
}

const uuid = <Row>(name: string & keyof Row) => ({ name, type: 'uuid' as const });
const text = <Row>(name: string & keyof Row) => ({ name, type: 'text' as const });

const USER_PRODUCTS: CounterTable<ProductCounterDelta> = {
  table: 'cdm.user_product_counters',
  columns: [uuid('user_id'), uuid('product_id'), text('product_name')],
  key: ['user_id', 'product_id'],
};

const USER_CATEGORIES: CounterTable<CategoryCounterDelta> = {
  table: 'cdm.user_category_counters',
  columns: [uuid('user_id'), uuid('category_id'), text('category_name')],
  key: ['user_id', 'category_id'],
};

const PRODUCTS: CounterTable<ProductTotalDelta> = {
  table: 'cdm.product_counters',
  columns: [uuid('product_id'), text('product_name'), uuid('category_id'), text('category_name')],
  key: ['product_id'],
};

const PRODUCT_PAIRS: CounterTable<ProductPairDelta> = {
  table: 'cdm.product_pair_counters',
  columns: [uuid('product_id'), uuid('other_product_id')],
  key: ['product_id', 'other_product_id'],
};

async function upsertCounters<Row extends { order_cnt: number }>(db: PoolClient, counters: CounterTable<Row>, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const { table, columns, key } = counters;
  const names = columns.map((c) => c.name);
  const overwritten = names.filter((name) => !key.includes(name)).map((name) => `, ${name} = excluded.${name}`);
  await db.query({
    name: `cdm_upsert_${table}`,
    text: `INSERT INTO ${table} AS c (${names.join(', ')}, order_cnt)
     SELECT * FROM unnest(${columns.map((c, i) => `$${i + 1}::${c.type}[]`).join(', ')}, $${columns.length + 1}::integer[])
     ON CONFLICT (${key.join(', ')})
     DO UPDATE SET order_cnt = c.order_cnt + excluded.order_cnt${overwritten.join('')}`,
    values: [...names.map((name) => rows.map((row) => row[name])), rows.map((row) => row.order_cnt)],
  });
}

/** Adds the deltas to the datamarts: one upsert per table, names updated; always in this table order. */
export async function addCounterDeltas(db: PoolClient, deltas: CounterDeltas): Promise<void> {
  await upsertCounters(db, USER_PRODUCTS, deltas.products);
  await upsertCounters(db, USER_CATEGORIES, deltas.categories);
  await upsertCounters(db, PRODUCTS, deltas.productTotals);
  await upsertCounters(db, PRODUCT_PAIRS, deltas.productPairs);
}
