// What the run left in the warehouse: exactness against the SQL ground truth, and freshness.
import type pg from 'pg';
import { compareWithGroundTruth } from '../../services/cdm/src/ground-truth.ts';
import { satelliteRepeats } from '../../services/dds/src/satellite-history.ts';

export interface Exactness {
  exact: boolean;
  orders: number;
  closedOrders: number;
  countedOrders: number;
  deadLetters: number;
  counterMismatches: number;
  /** why it is not exact; empty when it is */
  problems: string[];
}

const one = async (db: pg.Pool, sql: string) => Number((await db.query<{ n: string }>(sql)).rows[0]!.n);

/** Counters equal the ground truth, every pushed order is in stg and dds once, satellites hold changes only, nothing dead-lettered. */
export async function checkExactness(db: pg.Pool, pushedOrders: number): Promise<Exactness> {
  const orders = await one(db, 'SELECT count(*) AS n FROM stg.order_events');
  const hubOrders = await one(db, 'SELECT count(*) AS n FROM dds.h_order');
  const closedOrders = await one(db, `SELECT count(*) AS n FROM stg.order_events WHERE payload->>'final_status' = 'CLOSED'`);
  const countedOrders = await one(db, 'SELECT count(*) AS n FROM cdm.counted_orders');
  const deadLetters = await one(db, 'SELECT count(*) AS n FROM public.dead_letters');
  const counterMismatches = (await compareWithGroundTruth(db)).length;
  const problems: string[] = [];
  if (orders !== pushedOrders) problems.push(`stg.order_events holds ${orders} orders, ${pushedOrders} were pushed`);
  if (hubOrders !== pushedOrders) problems.push(`dds.h_order holds ${hubOrders} orders, ${pushedOrders} were pushed`);
  if (countedOrders !== closedOrders) problems.push(`cdm counted ${countedOrders} orders, ${closedOrders} are CLOSED`);
  if (deadLetters !== 0) problems.push(`${deadLetters} dead letters`);
  if (counterMismatches !== 0) problems.push(`${counterMismatches} counters differ from the ground truth`);
  for (const { table, repeats } of await satelliteRepeats(db)) problems.push(`dds.${table}: ${repeats} versions repeat the one before them`);
  return { exact: problems.length === 0, orders, closedOrders, countedOrders, deadLetters, counterMismatches, problems };
}

export async function maxOrderId(db: pg.Pool): Promise<number> {
  return one(db, 'SELECT coalesce(max(object_id), 0) AS n FROM stg.order_events');
}

/**
 * Per CLOSED order with id > afterOrderId: ms from its production at the source (sent_dttm, set when
 * the order is generated) to its counting being written in cdm (counted_orders.counted_at, the
 * database clock when the row was inserted, a few ms before that transaction commits).
 */
export async function freshnessMs(db: pg.Pool, afterOrderId: number): Promise<FreshnessSample[]> {
  const { rows } = await db.query<FreshnessSample>(
    `SELECT (extract(epoch FROM c.counted_at - e.sent_dttm) * 1000)::float8 AS total,
            (extract(epoch FROM e.load_dt - e.sent_dttm) * 1000)::float8 AS to_stg,
            (extract(epoch FROM h.load_dt - e.load_dt) * 1000)::float8 AS to_dds,
            (extract(epoch FROM c.counted_at - h.load_dt) * 1000)::float8 AS to_cdm
       FROM stg.order_events e
       JOIN dds.h_order h ON h.order_id = e.object_id
       JOIN cdm.counted_orders c ON c.order_id = h.h_order_pk
      WHERE e.object_id > $1`,
    [afterOrderId],
  );
  return rows;
}

/**
 * One order's freshness, ms, and its parts: until the stg batch that took it started (load_dt of
 * stg.order_events), then until the dds batch that filed it started (load_dt of its new h_order
 * row), then until cdm wrote its counting.
 */
export interface FreshnessSample {
  total: number;
  to_stg: number;
  to_dds: number;
  to_cdm: number;
}
