import type { MigrationBuilder } from 'node-pg-migrate';

// Hubs: a deterministic uuid v5 hash key over the normalised business key, the business key itself,
// and when/where the key was first seen.
const hubs: Array<{ name: string; businessKey: Record<string, string> }> = [
  { name: 'user', businessKey: { user_id: 'text' } },
  { name: 'product', businessKey: { product_id: 'text' } },
  { name: 'category', businessKey: { category_name: 'text' } },
  { name: 'restaurant', businessKey: { restaurant_id: 'text' } },
  { name: 'order', businessKey: { order_id: 'bigint', order_dt: 'timestamptz' } },
];

export function up(pgm: MigrationBuilder): void {
  for (const hub of hubs) {
    const businessKey = Object.fromEntries(Object.entries(hub.businessKey).map(([column, type]) => [column, { type, notNull: true }]));
    pgm.createTable(
      { schema: 'dds', name: `h_${hub.name}` },
      {
        [`h_${hub.name}_pk`]: { type: 'uuid', primaryKey: true },
        ...businessKey,
        load_dt: { type: 'timestamptz', notNull: true },
        load_src: { type: 'text', notNull: true },
      },
    );
  }
}

export function down(pgm: MigrationBuilder): void {
  for (const hub of [...hubs].reverse()) pgm.dropTable({ schema: 'dds', name: `h_${hub.name}` });
}
