import type { MigrationBuilder } from 'node-pg-migrate';

// Per-user counters for the recommendation engine; ids are DDS hub keys.
export function up(pgm: MigrationBuilder): void {
  pgm.createTable(
    { schema: 'cdm', name: 'user_product_counters' },
    {
      user_id: { type: 'uuid', notNull: true },
      product_id: { type: 'uuid', notNull: true },
      product_name: { type: 'text', notNull: true },
      order_cnt: { type: 'integer', notNull: true, check: 'order_cnt >= 0' },
    },
    { constraints: { primaryKey: ['user_id', 'product_id'] } },
  );
  pgm.createTable(
    { schema: 'cdm', name: 'user_category_counters' },
    {
      user_id: { type: 'uuid', notNull: true },
      category_id: { type: 'uuid', notNull: true },
      category_name: { type: 'text', notNull: true },
      order_cnt: { type: 'integer', notNull: true, check: 'order_cnt >= 0' },
    },
    { constraints: { primaryKey: ['user_id', 'category_id'] } },
  );
  // Orders already added to the counters: makes counting idempotent under redelivery.
  pgm.createTable(
    { schema: 'cdm', name: 'counted_orders' },
    {
      order_id: { type: 'uuid', primaryKey: true },
      counted_at: { type: 'timestamptz', notNull: true },
    },
  );
}

export function down(pgm: MigrationBuilder): void {
  pgm.dropTable({ schema: 'cdm', name: 'counted_orders' });
  pgm.dropTable({ schema: 'cdm', name: 'user_category_counters' });
  pgm.dropTable({ schema: 'cdm', name: 'user_product_counters' });
}
