// Compares what the warehouse holds, row by row, with what a crash-free run holds.
import type pg from 'pg';
import { compareWithGroundTruth, formatMismatch } from '../../../services/cdm/src/ground-truth.ts';
import { satelliteRepeats } from '../../../services/dds/src/satellite-history.ts';
import type { ExpectedWarehouse } from './expected-warehouse.ts';

export interface WarehouseDiff {
  stg: string[];
  dds: string[];
  cdm: string[];
  groundTruth: string[];
  deadLetters: number;
}

/** Keys present on either side whose values differ; at most `limit` lines. */
function diffMaps<V>(label: string, expected: Map<string, V>, actual: Map<string, V>, limit = 10): string[] {
  const out: string[] = [];
  for (const key of new Set([...expected.keys(), ...actual.keys()])) {
    const e = JSON.stringify(expected.get(key));
    const a = JSON.stringify(actual.get(key));
    if (e !== a) out.push(`${label} ${key}: expected ${e}, got ${a}`);
  }
  return out.length > limit ? [...out.slice(0, limit), `... and ${out.length - limit} more ${label} differences`] : out;
}

export async function diffWarehouse(db: pg.Pool, expected: ExpectedWarehouse): Promise<WarehouseDiff> {
  const stgRows = await db.query<{ id: string; status: string; update_ts: Date }>(
    `SELECT object_id::text AS id, payload->>'final_status' AS status, update_ts FROM stg.order_events`,
  );
  const stg = diffMaps(
    'stg order',
    new Map([...expected.orders].map(([id, o]) => [String(id), `${o.latestStatus} ${o.latestUpdateTs}`])),
    new Map(stgRows.rows.map((r) => [r.id, `${r.status} ${r.update_ts.toISOString()}`])),
  );

  const ddsRows = await db.query<{ id: string; history: string[] }>(
    `SELECT o.order_id::text AS id, array_agg(s.status ORDER BY s.load_dt) AS history
     FROM dds.h_order o LEFT JOIN dds.s_order_status s USING (h_order_pk) GROUP BY o.order_id`,
  );
  const lineRows = await db.query<{ key: string; history: string[] }>(
    `SELECT o.order_id || ' ' || p.product_id AS key, array_agg(s.quantity || '@' || trim_scale(s.price) ORDER BY s.load_dt) AS history
     FROM dds.s_order_product_lines s
     JOIN dds.l_order_product l USING (hk_order_product_pk)
     JOIN dds.h_order o USING (h_order_pk)
     JOIN dds.h_product p USING (h_product_pk)
     GROUP BY o.order_id, p.product_id`,
  );
  const priceRows = await db.query<{ id: string; history: string[] }>(
    `SELECT p.product_id AS id, array_agg(trim_scale(s.price)::text ORDER BY s.load_dt) AS history
     FROM dds.s_product_prices s JOIN dds.h_product p USING (h_product_pk) GROUP BY p.product_id`,
  );
  const placedRows = await db.query<{ id: string; placed: string }>(
    `SELECT o.order_id::text AS id, string_agg(r.restaurant_id || ' ' || to_char(ou.order_dt AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), ',') AS placed
     FROM dds.h_order o
     LEFT JOIN dds.l_order_restaurant l USING (h_order_pk) LEFT JOIN dds.h_restaurant r USING (h_restaurant_pk)
     LEFT JOIN dds.l_order_user ou USING (h_order_pk)
     GROUP BY o.order_id`,
  );
  const dds = [
    ...diffMaps(
      'dds order restaurant and date',
      new Map([...expected.orders].map(([id, o]) => [String(id), `${o.restaurant} ${o.orderDt}`])),
      new Map(placedRows.rows.map((r) => [r.id, r.placed])),
    ),
    ...diffMaps(
      'dds order status history',
      new Map([...expected.orders].map(([id, o]) => [String(id), o.statusHistory.join('>')])),
      new Map(ddsRows.rows.map((r) => [r.id, r.history.join('>')])),
    ),
    ...diffMaps(
      'dds order line',
      new Map([...expected.orders].flatMap(([id, o]) => [...o.lines].map(([productId, history]) => [`${id} ${productId}`, history.join('>')]))),
      new Map(lineRows.rows.map((r) => [r.key, r.history.join('>')])),
    ),
    ...diffMaps(
      'dds product price history',
      new Map([...expected.productPrices].map(([productId, history]) => [productId, history.join('>')])),
      new Map(priceRows.rows.map((r) => [r.id, r.history.join('>')])),
    ),
    // A satellite holds a row only for a change: a version equal to the one before it is a difference.
    ...(await satelliteRepeats(db)).map(({ table, repeats }) => `${table}: ${repeats} versions repeat the one before them`),
  ];

  const products = await db.query<{ key: string; n: number }>(
    `SELECT u.user_id || ' ' || p.product_id AS key, c.order_cnt AS n
     FROM cdm.user_product_counters c JOIN dds.h_user u ON u.h_user_pk = c.user_id JOIN dds.h_product p ON p.h_product_pk = c.product_id`,
  );
  const categories = await db.query<{ key: string; n: number }>(
    `SELECT u.user_id || ' ' || k.category_name AS key, c.order_cnt AS n
     FROM cdm.user_category_counters c JOIN dds.h_user u ON u.h_user_pk = c.user_id JOIN dds.h_category k ON k.h_category_pk = c.category_id`,
  );
  const totals = await db.query<{ key: string; n: number }>(
    `SELECT p.product_id AS key, c.order_cnt AS n FROM cdm.product_counters c JOIN dds.h_product p ON p.h_product_pk = c.product_id`,
  );
  const pairs = await db.query<{ key: string; n: number }>(
    `SELECT a.product_id || ' ' || b.product_id AS key, c.order_cnt AS n
     FROM cdm.product_pair_counters c JOIN dds.h_product a ON a.h_product_pk = c.product_id JOIN dds.h_product b ON b.h_product_pk = c.other_product_id`,
  );
  const counted = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM cdm.counted_orders');
  const cdm = [
    ...diffMaps('product counter', expected.productCounters, new Map(products.rows.map((r) => [r.key, Number(r.n)]))),
    ...diffMaps('category counter', expected.categoryCounters, new Map(categories.rows.map((r) => [r.key, Number(r.n)]))),
    ...diffMaps('product counter (all users)', expected.productTotals, new Map(totals.rows.map((r) => [r.key, Number(r.n)]))),
    ...diffMaps('product pair counter', expected.productPairs, new Map(pairs.rows.map((r) => [r.key, Number(r.n)]))),
    ...(counted.rows[0]!.n === expected.closedOrders ? [] : [`counted_orders: expected ${expected.closedOrders}, got ${counted.rows[0]!.n}`]),
  ];

  const groundTruth = (await compareWithGroundTruth(db)).slice(0, 10).map(formatMismatch);
  const deadLetters = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM public.dead_letters')).rows[0]!.n;
  return { stg, dds, cdm, groundTruth, deadLetters };
}
