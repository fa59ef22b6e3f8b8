// The counters recomputed from the Data Vault: what cdm must hold once the topics are drained.
import type pg from 'pg';

export type Queryable = Pick<pg.ClientBase, 'query'>;

export interface GroundTruthCounters {
  products: Array<{ user_id: string; product_id: string; order_cnt: number }>;
  categories: Array<{ user_id: string; category_id: string; order_cnt: number }>;
}

export interface CounterMismatch {
  counter: 'user_product_counters' | 'user_category_counters';
  user_id: string;
  /** product_id or category_id */
  item_id: string;
  expected: number;
  actual: number;
}

/** The orders the counters stand for: every order that reached CLOSED in the vault (h_order_pk). */
export const CLOSED_ORDERS = `SELECT DISTINCT h_order_pk FROM dds.s_order_status WHERE status = 'CLOSED'`;

// Every order that reached CLOSED, with its user and products.
const closedOrderProducts = `
  closed_order_products AS (
    SELECT ou.h_user_pk, op.h_product_pk, op.h_order_pk
    FROM (${CLOSED_ORDERS}) closed
    JOIN dds.l_order_user ou ON ou.h_order_pk = closed.h_order_pk
    JOIN dds.l_order_product op ON op.h_order_pk = closed.h_order_pk
  )`;

const productTruth = `
  WITH ${closedOrderProducts}
  SELECT h_user_pk AS user_id, h_product_pk AS item_id, count(DISTINCT h_order_pk)::int AS order_cnt
  FROM closed_order_products GROUP BY h_user_pk, h_product_pk`;

const categoryTruth = `
  WITH ${closedOrderProducts}
  SELECT cop.h_user_pk AS user_id, pc.h_category_pk AS item_id, count(DISTINCT cop.h_order_pk)::int AS order_cnt
  FROM closed_order_products cop JOIN dds.l_product_category pc ON pc.h_product_pk = cop.h_product_pk
  GROUP BY cop.h_user_pk, pc.h_category_pk`;

export async function groundTruthCounters(db: Queryable): Promise<GroundTruthCounters> {
  type Row = { user_id: string; item_id: string; order_cnt: number };
  const products = await db.query<Row>(`${productTruth} ORDER BY 1, 2`);
  const categories = await db.query<Row>(`${categoryTruth} ORDER BY 1, 2`);
  return {
    products: products.rows.map(({ user_id, item_id, order_cnt }) => ({ user_id, product_id: item_id, order_cnt })),
    categories: categories.rows.map(({ user_id, item_id, order_cnt }) => ({ user_id, category_id: item_id, order_cnt })),
  };
}

function mismatchQuery(truth: string, counters: string, itemColumn: string): string {
  return `
    SELECT coalesce(t.user_id, c.user_id) AS user_id, coalesce(t.item_id, c.${itemColumn}) AS item_id,
           coalesce(t.order_cnt, 0) AS expected, coalesce(c.order_cnt, 0) AS actual
    FROM (${truth}) t
    FULL JOIN ${counters} c ON c.user_id = t.user_id AND c.${itemColumn} = t.item_id
    WHERE coalesce(t.order_cnt, 0) <> coalesce(c.order_cnt, 0)
    ORDER BY 1, 2`;
}

/** Every counter that differs from the ground truth (missing rows count as 0); empty when exact. */
export async function compareWithGroundTruth(db: Queryable): Promise<CounterMismatch[]> {
  type Row = Omit<CounterMismatch, 'counter'>;
  const products = await db.query<Row>(mismatchQuery(productTruth, 'cdm.user_product_counters', 'product_id'));
  const categories = await db.query<Row>(mismatchQuery(categoryTruth, 'cdm.user_category_counters', 'category_id'));
  return [
    ...products.rows.map((row) => ({ counter: 'user_product_counters' as const, ...row })),
    ...categories.rows.map((row) => ({ counter: 'user_category_counters' as const, ...row })),
  ];
}
