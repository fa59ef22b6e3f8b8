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
import { CLOSED_ORDERS, TRUTHS } from './ground-truth.ts';

export interface RebuildResult {
  countedOrders: number;
  productCounters: number;
  categoryCounters: number;
  productTotals: number;
  productPairs: number;
  ms: number;
}

const DATAMARTS = ['cdm.user_product_counters', 'cdm.user_category_counters', 'cdm.product_counters', 'cdm.product_pair_counters'];
const latestProductName = `JOIN LATERAL (SELECT s.name FROM dds.s_product_names s WHERE s.h_product_pk = t.product_id ORDER BY s.load_dt DESC LIMIT 1) name ON true`;

// Each datamart is its ground-truth query (ground-truth.ts) over the snapshot's CLOSED orders, plus names.
const cop = `WITH cop AS (SELECT * FROM rebuild_closed_products)`;
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
  products: `INSERT INTO cdm.user_product_counters (user_id, product_id, product_name, order_cnt)
    ${cop} SELECT t.user_id, t.product_id, name.name, t.order_cnt FROM (${TRUTHS.products.sql}) t ${latestProductName}`,
  categories: `INSERT INTO cdm.user_category_counters (user_id, category_id, category_name, order_cnt)
    ${cop} SELECT t.user_id, t.category_id, k.category_name, t.order_cnt FROM (${TRUTHS.categories.sql}) t JOIN dds.h_category k ON k.h_category_pk = t.category_id`,
  productTotals: `INSERT INTO cdm.product_counters (product_id, product_name, category_id, category_name, order_cnt)
    ${cop} SELECT t.product_id, name.name, category.h_category_pk, category.category_name, t.order_cnt FROM (${TRUTHS.productTotals.sql}) t ${latestProductName}
    JOIN LATERAL (SELECT k.h_category_pk, k.category_name FROM dds.l_product_category pc JOIN dds.h_category k USING (h_category_pk)
                  WHERE pc.h_product_pk = t.product_id ORDER BY pc.load_dt DESC LIMIT 1) category ON true`,
  productPairs: `INSERT INTO cdm.product_pair_counters (product_id, other_product_id, order_cnt) ${cop} ${TRUTHS.productPairs.sql}`,
};

export async function rebuildCdm(pool: pg.Pool): Promise<RebuildResult> {
  const started = performance.now();
  const db = await pool.connect();
  try {
    await db.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await db.query(`LOCK TABLE cdm.counted_orders, ${DATAMARTS.join(', ')} IN SHARE ROW EXCLUSIVE MODE`);
    await db.query(STATEMENTS.closed);
    await db.query(STATEMENTS.closedProducts);
    await db.query(STATEMENTS.uncount);
    await db.query(STATEMENTS.count);
    for (const table of DATAMARTS) await db.query(`DELETE FROM ${table}`);
    const rows = async (sql: string) => (await db.query(sql)).rowCount ?? 0;
    const result = {
      productCounters: await rows(STATEMENTS.products),
      categoryCounters: await rows(STATEMENTS.categories),
      productTotals: await rows(STATEMENTS.productTotals),
      productPairs: await rows(STATEMENTS.productPairs),
    };
    const counted = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM cdm.counted_orders');
    await db.query('COMMIT');
    return { countedOrders: counted.rows[0]!.n, ...result, ms: performance.now() - started };
  } catch (error) {
    await db.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    db.release();
  }
}
