// The datamarts recomputed from the Data Vault: what cdm must hold once the topics are drained.
import type pg from 'pg';

export type Queryable = Pick<pg.ClientBase, 'query'>;

export interface GroundTruthCounters {
  products: Array<{ user_id: string; product_id: string; order_cnt: number }>;
  categories: Array<{ user_id: string; category_id: string; order_cnt: number }>;
  productTotals: Array<{ product_id: string; order_cnt: number }>;
  productPairs: Array<{ product_id: string; other_product_id: string; order_cnt: number }>;
}

export type CounterTableName = 'user_product_counters' | 'user_category_counters' | 'product_counters' | 'product_pair_counters';

export interface CounterMismatch {
  counter: CounterTableName;
  /** the row's key, by column: user_id and product_id, product_id and other_product_id, ... */
  key: Record<string, string>;
  expected: number;
  actual: number;
}

/** The orders the counters stand for: every order that reached CLOSED in the vault (h_order_pk). */
export const CLOSED_ORDERS = `SELECT DISTINCT h_order_pk FROM dds.s_order_status WHERE status = 'CLOSED'`;

/** Every product of every order that reached CLOSED, with the order's user: one row per (order, product). */
export const CLOSED_ORDER_PRODUCTS = `
  SELECT ou.h_user_pk, op.h_product_pk, op.h_order_pk
  FROM (${CLOSED_ORDERS}) closed
  JOIN dds.l_order_user ou ON ou.h_order_pk = closed.h_order_pk
  JOIN dds.l_order_product op ON op.h_order_pk = closed.h_order_pk`;

interface Truth {
  counter: CounterTableName;
  key: string[];
  /** SQL over dds giving the key columns and order_cnt, from the relation cop (CLOSED_ORDER_PRODUCTS). */
  sql: string;
}

/** Each datamart as SQL over dds: its definition, which reconcile, rebuild and the tests hold it to. */
export const TRUTHS: Record<keyof GroundTruthCounters, Truth> = {
  products: {
    counter: 'user_product_counters',
    key: ['user_id', 'product_id'],
    sql: `SELECT h_user_pk AS user_id, h_product_pk AS product_id, count(DISTINCT h_order_pk)::int AS order_cnt
          FROM cop GROUP BY h_user_pk, h_product_pk`,
  },
  categories: {
    counter: 'user_category_counters',
    key: ['user_id', 'category_id'],
    sql: `SELECT cop.h_user_pk AS user_id, pc.h_category_pk AS category_id, count(DISTINCT cop.h_order_pk)::int AS order_cnt
          FROM cop JOIN dds.l_product_category pc ON pc.h_product_pk = cop.h_product_pk
          GROUP BY cop.h_user_pk, pc.h_category_pk`,
  },
  productTotals: {
    counter: 'product_counters',
    key: ['product_id'],
    sql: `SELECT h_product_pk AS product_id, count(DISTINCT h_order_pk)::int AS order_cnt FROM cop GROUP BY h_product_pk`,
  },
  productPairs: {
    counter: 'product_pair_counters',
    key: ['product_id', 'other_product_id'],
    sql: `SELECT a.h_product_pk AS product_id, b.h_product_pk AS other_product_id, count(DISTINCT a.h_order_pk)::int AS order_cnt
          FROM cop a JOIN cop b ON b.h_order_pk = a.h_order_pk AND b.h_product_pk <> a.h_product_pk
          GROUP BY a.h_product_pk, b.h_product_pk`,
  },
};

const withClosedOrderProducts = (sql: string) => `WITH cop AS MATERIALIZED (${CLOSED_ORDER_PRODUCTS}) ${sql}`;

export async function groundTruthCounters(db: Queryable): Promise<GroundTruthCounters> {
  const truth = {} as Record<keyof GroundTruthCounters, unknown[]>;
  for (const [name, { key, sql }] of Object.entries(TRUTHS) as Array<[keyof GroundTruthCounters, Truth]>) {
    truth[name] = (await db.query(`${withClosedOrderProducts(sql)} ORDER BY ${key.map((_, i) => i + 1).join(', ')}`)).rows;
  }
  return truth as unknown as GroundTruthCounters;
}

function mismatchQuery({ counter, key, sql }: Truth): string {
  const keys = key.map((k) => `'${k}', coalesce(t.${k}, c.${k})::text`).join(', ');
  return withClosedOrderProducts(`
    SELECT json_build_object(${keys}) AS key, coalesce(t.order_cnt, 0) AS expected, coalesce(c.order_cnt, 0) AS actual
    FROM (${sql}) t
    FULL JOIN cdm.${counter} c ON ${key.map((k) => `c.${k} = t.${k}`).join(' AND ')}
    WHERE coalesce(t.order_cnt, 0) <> coalesce(c.order_cnt, 0)
    ORDER BY ${key.map((k) => `coalesce(t.${k}, c.${k})`).join(', ')}`);
}

/** Every datamart row that differs from the ground truth (missing rows count as 0); empty when exact. */
export async function compareWithGroundTruth(db: Queryable): Promise<CounterMismatch[]> {
  const mismatches: CounterMismatch[] = [];
  for (const truth of Object.values(TRUTHS)) {
    const { rows } = await db.query<Omit<CounterMismatch, 'counter'>>(mismatchQuery(truth));
    mismatches.push(...rows.map((row) => ({ counter: truth.counter, ...row })));
  }
  return mismatches;
}

/** A mismatch on one line: "user_product_counters user_id=… product_id=…: dds says 2, counter 3". */
export function formatMismatch(m: CounterMismatch): string {
  const key = Object.entries(m.key)
    .map(([column, id]) => `${column}=${id}`)
    .join(' ');
  return `${m.counter} ${key}: dds says ${m.expected}, counter ${m.actual}`;
}
