import type { MigrationBuilder } from 'node-pg-migrate';

export function up(pgm: MigrationBuilder): void {
  // Order ids for every source instance; a Postgres sequence is durable, unlike a Redis counter.
  pgm.createSequence({ schema: 'stg', name: 'order_id_seq' }, { type: 'bigint', start: 1 });

  // One row per order; a later event (by update_ts) replaces the payload.
  pgm.createTable(
    { schema: 'stg', name: 'order_events' },
    {
      object_id: { type: 'bigint', primaryKey: true },
      object_type: { type: 'text', notNull: true },
      sent_dttm: { type: 'timestamptz', notNull: true },
      update_ts: { type: 'timestamptz', notNull: true, comment: "the event's payload.update_ts" },
      payload: { type: 'jsonb', notNull: true },
      load_dt: { type: 'timestamptz', notNull: true },
    },
  );
}

export function down(pgm: MigrationBuilder): void {
  pgm.dropTable({ schema: 'stg', name: 'order_events' });
  pgm.dropSequence({ schema: 'stg', name: 'order_id_seq' });
}
