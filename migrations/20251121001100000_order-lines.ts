import type { MigrationBuilder } from 'node-pg-migrate';

// What each order bought: a satellite of the order–product link with the quantity and the unit
// price paid (kept when the menu price changes later), and the products' price history. Both hold
// changes only, like every satellite, so dwh_dds may delete a repeat (vault-loader.ts). The index
// on the link by order finds an order's lines (purchase history, cdm's vault check).
const SATELLITES = [
  { table: 's_order_product_lines', parentKey: 'hk_order_product_pk', columns: { quantity: 'bigint', price: 'numeric(19,5)' } },
  { table: 's_product_prices', parentKey: 'h_product_pk', columns: { price: 'numeric(19,5)' } },
];

export function up(pgm: MigrationBuilder): void {
  for (const { table, parentKey, columns } of SATELLITES) {
    pgm.createTable(
      { schema: 'dds', name: table },
      {
        [parentKey]: { type: 'uuid', notNull: true }, // no foreign key: see the links migration
        ...Object.fromEntries(Object.entries(columns).map(([name, type]) => [name, { type, notNull: true }])),
        [`hk_${table.slice(2)}_hashdiff`]: { type: 'uuid', notNull: true },
        load_dt: { type: 'timestamptz', notNull: true },
        load_src: { type: 'text', notNull: true },
      },
      { constraints: { primaryKey: [parentKey, 'load_dt'] } },
    );
    pgm.sql(`GRANT DELETE ON dds.${table} TO dwh_dds;`);
  }
  pgm.createIndex({ schema: 'dds', name: 'l_order_product' }, ['h_order_pk', 'h_product_pk'], { name: 'l_order_product_by_order' });
}

export function down(pgm: MigrationBuilder): void {
  pgm.dropIndex({ schema: 'dds', name: 'l_order_product' }, ['h_order_pk', 'h_product_pk'], { name: 'l_order_product_by_order' });
  for (const { table } of [...SATELLITES].reverse()) pgm.dropTable({ schema: 'dds', name: table });
}
