import type { PoolClient } from 'pg';
import type { OrderEvent } from '@orders-dwh/shared/contracts';

/**
 * Upserts one row per order into stg.order_events with a single statement. `events` must hold at
 * most one event per order (see latestEventPerOrder). A stored row is replaced only by an event
 * that is newer (payload.update_ts), or equally new but different: replaying an event, or
 * delivering an older one after a newer one, leaves the row — load_dt included — untouched.
 */
export async function upsertOrderEvents(db: Pick<PoolClient, 'query'>, events: readonly OrderEvent[], loadDt: Date): Promise<number> {
  if (events.length === 0) return 0;
  // The events travel as ONE jsonb parameter: one JSON.stringify, where text[] parameters made the
  // driver escape every payload (measured: a fifth of stg's CPU).
  const result = await db.query({
    name: 'stg_upsert_order_events',
    text: `INSERT INTO stg.order_events AS stored (object_id, object_type, sent_dttm, update_ts, payload, load_dt)
     SELECT e.object_id, e.object_type, e.sent_dttm, (e.payload->>'update_ts')::timestamptz, e.payload, $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS e(object_id bigint, object_type text, sent_dttm timestamptz, payload jsonb)
     ON CONFLICT (object_id) DO UPDATE
        SET object_type = excluded.object_type,
            sent_dttm = excluded.sent_dttm,
            update_ts = excluded.update_ts,
            payload = excluded.payload,
            load_dt = excluded.load_dt
      WHERE excluded.update_ts > stored.update_ts
         OR (excluded.update_ts = stored.update_ts
             AND (excluded.payload, excluded.sent_dttm, excluded.object_type)
                 IS DISTINCT FROM (stored.payload, stored.sent_dttm, stored.object_type))`,
    values: [JSON.stringify(events.map(({ object_id, object_type, sent_dttm, payload }) => ({ object_id, object_type, sent_dttm, payload }))), loadDt],
  });
  return result.rowCount ?? 0;
}
