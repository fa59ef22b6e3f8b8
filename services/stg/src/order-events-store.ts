import type { PoolClient } from 'pg';
import type { OrderEvent } from '../../shared/src/contracts/order-event.ts';

/**
 * Upserts one row per order into stg.order_events with a single statement. `events` must hold at
 * most one event per order (see latestEventPerOrder). A stored row is replaced only by an event
 * that is newer (payload.update_ts), or equally new but different: replaying an event, or
 * delivering an older one after a newer one, leaves the row — load_dt included — untouched.
 */
export async function upsertOrderEvents(db: Pick<PoolClient, 'query'>, events: readonly OrderEvent[], loadDt: Date): Promise<number> {
  if (events.length === 0) return 0;
  const result = await db.query(
    `INSERT INTO stg.order_events AS stored (object_id, object_type, sent_dttm, update_ts, payload, load_dt)
     SELECT e.object_id, e.object_type, e.sent_dttm::timestamptz, e.update_ts::timestamptz, e.payload::jsonb, $6::timestamptz
       FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])
         AS e(object_id, object_type, sent_dttm, update_ts, payload)
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
    [
      events.map((e) => e.object_id),
      events.map((e) => e.object_type),
      events.map((e) => e.sent_dttm),
      events.map((e) => e.payload.update_ts),
      events.map((e) => JSON.stringify(e.payload)),
      loadDt,
    ],
  );
  return result.rowCount ?? 0;
}
