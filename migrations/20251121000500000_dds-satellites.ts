import type { MigrationBuilder } from 'node-pg-migrate';

// Satellites keep history: one row per (parent hub key, load_dt), load_dt being the time the change
// took effect (the order's update_ts), and a hashdiff of the descriptive columns.
const satellites: Array<{ name: string; hub: string; columns: Record<string, string> }> = [
  { name: 'user_names', hub: 'user', columns: { username: 'text', userlogin: 'text' } },
  { name: 'product_names', hub: 'product', columns: { name: 'text' } },
  { name: 'restaurant_names', hub: 'restaurant', columns: { name: 'text' } },
  { name: 'order_cost', hub: 'order', columns: { cost: 'numeric(19,5)', payment: 'numeric(19,5)' } },
  { name: 'order_status', hub: 'order', columns: { status: 'text' } },
];

export function up(pgm: MigrationBuilder): void {
  for (const sat of satellites) {
    const parentKey = `h_${sat.hub}_pk`;
    const columns = Object.fromEntries(Object.entries(sat.columns).map(([column, type]) => [column, { type, notNull: true }]));
    pgm.createTable(
      { schema: 'dds', name: `s_${sat.name}` },
      {
        [parentKey]: { type: 'uuid', notNull: true }, // no foreign key: see the links migration
        ...columns,
        [`hk_${sat.name}_hashdiff`]: { type: 'uuid', notNull: true },
        load_dt: { type: 'timestamptz', notNull: true },
        load_src: { type: 'text', notNull: true },
      },
      { constraints: { primaryKey: [parentKey, 'load_dt'] } },
    );
  }
}

export function down(pgm: MigrationBuilder): void {
  for (const sat of [...satellites].reverse()) pgm.dropTable({ schema: 'dds', name: `s_${sat.name}` });
}
