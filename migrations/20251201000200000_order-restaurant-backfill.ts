import type { MigrationBuilder } from 'node-pg-migrate';
import { linkHashKey } from '@orders-dwh/shared/vault';

// Fills dds.l_order_restaurant for the orders loaded before it existed: an order's restaurant is
// the one its products are on the menu of. Link keys are uuid v5 like every hash key of the vault,
// computed here as dds computes them (Postgres has no uuid v5 without an extension).
const PAGE = 20_000;

export async function up(pgm: MigrationBuilder): Promise<void> {
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await pgm.db.query({
      text: `SELECT o.h_order_pk, r.h_restaurant_pk, o.load_dt
             FROM dds.h_order o
             JOIN LATERAL (SELECT pr.h_restaurant_pk FROM dds.l_order_product op
                           JOIN dds.l_product_restaurant pr ON pr.h_product_pk = op.h_product_pk
                           WHERE op.h_order_pk = o.h_order_pk ORDER BY pr.load_dt LIMIT 1) r ON true
             WHERE o.h_order_pk > $1
             ORDER BY o.h_order_pk LIMIT ${PAGE}`,
      values: [after],
    });
    if (rows.length === 0) return;
    after = rows[rows.length - 1].h_order_pk;
    await pgm.db.query({
      text: `INSERT INTO dds.l_order_restaurant (hk_order_restaurant_pk, h_order_pk, h_restaurant_pk, load_dt, load_src)
             SELECT k, o, r, d, 'migration:order-restaurant-backfill' FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::timestamptz[]) AS t(k, o, r, d)
             ON CONFLICT DO NOTHING`,
      values: [
        rows.map((row) => linkHashKey(row.h_order_pk, row.h_restaurant_pk)),
        rows.map((row) => row.h_order_pk),
        rows.map((row) => row.h_restaurant_pk),
        rows.map((row) => row.load_dt),
      ],
    });
  }
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`DELETE FROM dds.l_order_restaurant WHERE load_src = 'migration:order-restaurant-backfill'`);
}
