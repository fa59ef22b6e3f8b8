import type { MigrationBuilder } from 'node-pg-migrate';

// Links: uuid v5 over the two hub keys, and both hub keys. No foreign keys to the hubs: the loader
// writes the hubs first in the same transaction, and the checks made batch loads 20-40% slower.
const links: Array<[string, string]> = [
  ['order', 'product'],
  ['product', 'restaurant'],
  ['product', 'category'],
  ['order', 'user'],
];

export function up(pgm: MigrationBuilder): void {
  for (const [a, b] of links) {
    pgm.createTable(
      { schema: 'dds', name: `l_${a}_${b}` },
      {
        [`hk_${a}_${b}_pk`]: { type: 'uuid', primaryKey: true },
        [`h_${a}_pk`]: { type: 'uuid', notNull: true },
        [`h_${b}_pk`]: { type: 'uuid', notNull: true },
        load_dt: { type: 'timestamptz', notNull: true },
        load_src: { type: 'text', notNull: true },
      },
    );
  }
}

export function down(pgm: MigrationBuilder): void {
  for (const [a, b] of [...links].reverse()) pgm.dropTable({ schema: 'dds', name: `l_${a}_${b}` });
}
