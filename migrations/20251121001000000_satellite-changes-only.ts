import type { MigrationBuilder } from 'node-pg-migrate';

// Satellites hold a row only for a change. Loads of concurrent batches used to add a second,
// identical version of a key (and a late event a repeat after it); this removes every row whose
// hashdiff equals the one just before it for the same key, keeping the earliest row of each run.
// dds may now delete such a repeat itself (vault-loader.ts), so dwh_dds gets DELETE on satellites.
const SATELLITES: Array<[table: string, parentKey: string]> = [
  ['s_user_names', 'h_user_pk'],
  ['s_product_names', 'h_product_pk'],
  ['s_restaurant_names', 'h_restaurant_pk'],
  ['s_order_cost', 'h_order_pk'],
  ['s_order_status', 'h_order_pk'],
];

export function up(pgm: MigrationBuilder): void {
  for (const [table, key] of SATELLITES) {
    const hashdiff = `hk_${table.slice(2)}_hashdiff`;
    pgm.sql(`
      DELETE FROM dds.${table} s
       USING (SELECT ${key}, load_dt, ${hashdiff} AS hashdiff,
                     lag(${hashdiff}) OVER (PARTITION BY ${key} ORDER BY load_dt) AS previous
                FROM dds.${table}) r
       WHERE s.${key} = r.${key} AND s.load_dt = r.load_dt AND r.previous = r.hashdiff;
      GRANT DELETE ON dds.${table} TO dwh_dds;
    `);
  }
}

export function down(pgm: MigrationBuilder): void {
  // The removed repeats carried no information; only the grant is taken back.
  for (const [table] of SATELLITES) pgm.sql(`REVOKE DELETE ON dds.${table} FROM dwh_dds;`);
}
