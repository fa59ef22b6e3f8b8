import type { PoolClient } from 'pg';
import type { CounterDeltas } from './counter-deltas.ts';

/**
 * Records the orders as counted and returns the ids that were not counted before: only those may
 * add to the counters, so a redelivered order is never counted twice. Concurrent writers of the
 * same id wait for each other on the primary key; exactly one of them gets it back.
 */
export async function recordCountedOrders(db: PoolClient, orderIds: readonly string[], countedAt: Date): Promise<Set<string>> {
  const ids = [...new Set(orderIds)].sort();
  if (ids.length === 0) return new Set();
  const result = await db.query<{ order_id: string }>(
    `INSERT INTO cdm.counted_orders (order_id, counted_at)
     SELECT id, $2::timestamptz FROM unnest($1::uuid[]) AS t(id)
     ON CONFLICT (order_id) DO NOTHING
     RETURNING order_id`,
    [ids, countedAt],
  );
  return new Set(result.rows.map((row) => row.order_id));
}

/** Adds the deltas to the counters: one upsert per counter table, names updated. */
export async function addCounterDeltas(db: PoolClient, deltas: CounterDeltas): Promise<void> {
  if (deltas.products.length > 0) {
    await db.query(
      `INSERT INTO cdm.user_product_counters AS c (user_id, product_id, product_name, order_cnt)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::integer[])
       ON CONFLICT (user_id, product_id)
       DO UPDATE SET order_cnt = c.order_cnt + excluded.order_cnt, product_name = excluded.product_name`,
      [
        deltas.products.map((d) => d.user_id),
        deltas.products.map((d) => d.product_id),
        deltas.products.map((d) => d.product_name),
        deltas.products.map((d) => d.order_cnt),
      ],
    );
  }
  if (deltas.categories.length > 0) {
    await db.query(
      `INSERT INTO cdm.user_category_counters AS c (user_id, category_id, category_name, order_cnt)
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::integer[])
       ON CONFLICT (user_id, category_id)
       DO UPDATE SET order_cnt = c.order_cnt + excluded.order_cnt, category_name = excluded.category_name`,
      [
        deltas.categories.map((d) => d.user_id),
        deltas.categories.map((d) => d.category_id),
        deltas.categories.map((d) => d.category_name),
        deltas.categories.map((d) => d.order_cnt),
      ],
    );
  }
}
