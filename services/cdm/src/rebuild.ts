// Recomputes every cdm table from dds with set-based SQL, in one transaction, while the pipeline
// may be running:
// - it first locks the cdm tables against writers (SHARE ROW EXCLUSIVE): cdm batches in flight
//   commit before it starts, later ones wait for it; readers are never blocked, and until the
//   commit they see the old rows, so there is no moment of empty or half-built tables;
// - its one REPEATABLE READ snapshot, taken after the lock, fixes which orders are CLOSED: those
//   become cdm.counted_orders and exactly those are counted. A CLOSED order that dds commits later
//   is not in counted_orders, so its cdm message counts it when it comes; one already in it is
//   skipped as a redelivery. Nothing is counted twice or lost.
// This is also how datamarts added by a migration get filled for the orders loaded before it.
import type pg from 'pg';
import { CLOSED_ORDERS } from './ground-truth.ts';

export interface RebuildResult {
  countedOrders: number;
  productCounters: number;
  categoryCounters: number;
  ms: number;
}

const STATEMENTS = {
  closed: `CREATE TEMP TABLE rebuild_closed ON COMMIT DROP AS ${CLOSED_ORDERS}`,
  closedProducts: `CREATE TEMP TABLE rebuild_closed_products ON COMMIT DROP AS
    SELECT ou.h_user_pk, op.h_product_pk, c.h_order_pk
    FROM rebuild_closed c
    JOIN dds.l_order_user ou ON ou.h_order_pk = c.h_order_pk
    JOIN dds.l_order_product op ON op.h_order_pk = c.h_order_pk`,
  // counted_at of an order already counted is kept: it is when its effect became visible.
  uncount: `DELETE FROM cdm.counted_orders o WHERE NOT EXISTS (SELECT 1 FROM rebuild_closed c WHERE c.h_order_pk = o.order_id)`,
  count: `INSERT INTO cdm.counted_orders (order_id, counted_at) SELECT h_order_pk, clock_timestamp() FROM rebuild_closed ON CONFLICT (order_id) DO NOTHING`,
  clearProducts: 'DELETE FROM cdm.user_product_counters',
  products: `INSERT INTO cdm.user_product_counters (user_id, product_id, product_name, order_cnt)
    SELECT cp.h_user_pk, cp.h_product_pk, name.name, count(DISTINCT cp.h_order_pk)
    FROM rebuild_closed_products cp
    JOIN LATERAL (SELECT s.name FROM dds.s_product_names s WHERE s.h_product_pk = cp.h_product_pk ORDER BY s.load_dt DESC LIMIT 1) name ON true
    GROUP BY cp.h_user_pk, cp.h_product_pk, name.name`,
  clearCategories: 'DELETE FROM cdm.user_category_counters',
  categories: `INSERT INTO cdm.user_category_counters (user_id, category_id, category_name, order_cnt)
    SELECT cp.h_user_pk, k.h_category_pk, k.category_name, count(DISTINCT cp.h_order_pk)
    FROM rebuild_closed_products cp
    JOIN dds.l_product_category pc ON pc.h_product_pk = cp.h_product_pk
    JOIN dds.h_category k ON k.h_category_pk = pc.h_category_pk
    GROUP BY cp.h_user_pk, k.h_category_pk, k.category_name`,
};

export async function rebuildCdm(pool: pg.Pool): Promise<RebuildResult> {
  const started = performance.now();
  const db = await pool.connect();
  try {
    await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await db.query('LOCK TABLE cdm.counted_orders, cdm.user_product_counters, cdm.user_category_counters IN SHARE ROW EXCLUSIVE MODE');
    await db.query(STATEMENTS.closed);
    await db.query(STATEMENTS.closedProducts);
    await db.query(STATEMENTS.uncount);
    await db.query(STATEMENTS.count);
    await db.query(STATEMENTS.clearProducts);
    const products = await db.query(STATEMENTS.products);
    await db.query(STATEMENTS.clearCategories);
    const categories = await db.query(STATEMENTS.categories);
    const counted = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM cdm.counted_orders');
    await db.query('COMMIT');
    return { countedOrders: counted.rows[0]!.n, productCounters: products.rowCount ?? 0, categoryCounters: categories.rowCount ?? 0, ms: performance.now() - started };
  } catch (error) {
    await db.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    db.release();
  }
}
