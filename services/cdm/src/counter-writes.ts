import type { PoolClient } from 'pg';
import type { CategoryCounterDelta, CounterDeltas, ProductCounterDelta } from './counter-deltas.ts';

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

/** The two counter tables differ only in the item they count; the upsert is written once. */
interface CounterTable<Row> {
  table: string;
  idColumn: string;
  nameColumn: string;
  id(row: Row): string;
  name(row: Row): string;
}

const PRODUCT_COUNTERS: CounterTable<ProductCounterDelta> = {
  table: 'cdm.user_product_counters',
  idColumn: 'product_id',
  nameColumn: 'product_name',
  id: (row) => row.product_id,
  name: (row) => row.product_name,
};

const CATEGORY_COUNTERS: CounterTable<CategoryCounterDelta> = {
  table: 'cdm.user_category_counters',
  idColumn: 'category_id',
  nameColumn: 'category_name',
  id: (row) => row.category_id,
  name: (row) => row.category_name,
};

async function upsertCounters<Row extends { user_id: string; order_cnt: number }>(db: PoolClient, counters: CounterTable<Row>, rows: readonly Row[]): Promise<void> {
  if (rows.length === 0) return;
  const { table, idColumn, nameColumn } = counters;
  await db.query({
    name: `cdm_upsert_${table}`,
    text: `INSERT INTO ${table} AS c (user_id, ${idColumn}, ${nameColumn}, order_cnt)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::integer[])
     ON CONFLICT (user_id, ${idColumn})
     DO UPDATE SET order_cnt = c.order_cnt + excluded.order_cnt, ${nameColumn} = excluded.${nameColumn}`,
    values: [rows.map((row) => row.user_id), rows.map(counters.id), rows.map(counters.name), rows.map((row) => row.order_cnt)],
  });
}

/** Adds the deltas to the counters: one upsert per counter table, names updated. */
export async function addCounterDeltas(db: PoolClient, deltas: CounterDeltas): Promise<void> {
  await upsertCounters(db, PRODUCT_COUNTERS, deltas.products);
  await upsertCounters(db, CATEGORY_COUNTERS, deltas.categories);
}
