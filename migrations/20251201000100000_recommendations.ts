import type { MigrationBuilder } from 'node-pg-migrate';

// The read side (services/cdm/src/api):
// - dds.l_order_restaurant: where each order was placed (the vault had it only through the order's
//   products); filled for earlier orders by the next migration, which needs the hash keys of JS.
// - l_order_user carries order_dt, the order hub's date, so that a user's orders read newest first
//   from one index (purchase history, keyset-paginated) instead of sorting all of them per request.
// - indexes for reads by order, by user and by product.
// - two datamarts for recommendations, maintained with the counters: how many CLOSED orders hold a
//   product, and how many hold each ordered pair of products (both directions are stored, so
//   "also ordered with X" is one index range). Filled here from the orders already counted.
const INDEXES: Array<[table: string, columns: string[], name: string]> = [
  ['l_order_restaurant', ['h_order_pk', 'h_restaurant_pk'], 'l_order_restaurant_by_order'],
  ['l_order_user', ['h_user_pk', 'order_dt', 'h_order_pk'], 'l_order_user_by_user'],
  ['l_product_restaurant', ['h_product_pk', 'h_restaurant_pk'], 'l_product_restaurant_by_product'],
  ['l_product_category', ['h_product_pk', 'h_category_pk'], 'l_product_category_by_product'],
];

export function up(pgm: MigrationBuilder): void {
  pgm.createTable(
    { schema: 'dds', name: 'l_order_restaurant' },
    {
      hk_order_restaurant_pk: { type: 'uuid', primaryKey: true },
      h_order_pk: { type: 'uuid', notNull: true },
      h_restaurant_pk: { type: 'uuid', notNull: true },
      load_dt: { type: 'timestamptz', notNull: true },
      load_src: { type: 'text', notNull: true },
    },
  );
  pgm.sql(`
    ALTER TABLE dds.l_order_user ADD COLUMN order_dt timestamptz;
    UPDATE dds.l_order_user l SET order_dt = o.order_dt FROM dds.h_order o WHERE o.h_order_pk = l.h_order_pk;
    ALTER TABLE dds.l_order_user ALTER COLUMN order_dt SET NOT NULL;
  `);
  for (const [table, columns, name] of INDEXES) pgm.sql(`CREATE INDEX ${name} ON dds.${table} (${columns.join(', ')})`);

  pgm.createTable(
    { schema: 'cdm', name: 'product_counters' },
    {
      product_id: { type: 'uuid', primaryKey: true },
      product_name: { type: 'text', notNull: true },
      category_id: { type: 'uuid', notNull: true },
      category_name: { type: 'text', notNull: true },
      order_cnt: { type: 'integer', notNull: true, check: 'order_cnt >= 0' },
    },
  );
  pgm.createIndex({ schema: 'cdm', name: 'product_counters' }, ['category_id', 'product_id'], { name: 'product_counters_by_category' });
  pgm.createTable(
    { schema: 'cdm', name: 'product_pair_counters' },
    {
      product_id: { type: 'uuid', notNull: true },
      other_product_id: { type: 'uuid', notNull: true },
      order_cnt: { type: 'integer', notNull: true, check: 'order_cnt >= 0' },
    },
    { constraints: { primaryKey: ['product_id', 'other_product_id'], check: 'product_id <> other_product_id' } },
  );
  pgm.sql(`
    CREATE TEMP TABLE counted_products ON COMMIT DROP AS
      SELECT DISTINCT op.h_order_pk, op.h_product_pk FROM cdm.counted_orders c JOIN dds.l_order_product op ON op.h_order_pk = c.order_id;
    INSERT INTO cdm.product_counters (product_id, product_name, category_id, category_name, order_cnt)
      SELECT cp.h_product_pk, name.name, category.h_category_pk, category.category_name, count(*)
      FROM counted_products cp
      JOIN LATERAL (SELECT s.name FROM dds.s_product_names s WHERE s.h_product_pk = cp.h_product_pk ORDER BY s.load_dt DESC LIMIT 1) name ON true
      JOIN LATERAL (SELECT k.h_category_pk, k.category_name FROM dds.l_product_category pc JOIN dds.h_category k USING (h_category_pk)
                    WHERE pc.h_product_pk = cp.h_product_pk ORDER BY pc.load_dt DESC LIMIT 1) category ON true
      GROUP BY cp.h_product_pk, name.name, category.h_category_pk, category.category_name;
    INSERT INTO cdm.product_pair_counters (product_id, other_product_id, order_cnt)
      SELECT a.h_product_pk, b.h_product_pk, count(*)
      FROM counted_products a JOIN counted_products b ON b.h_order_pk = a.h_order_pk AND b.h_product_pk <> a.h_product_pk
      GROUP BY a.h_product_pk, b.h_product_pk;
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.dropTable({ schema: 'cdm', name: 'product_pair_counters' });
  pgm.dropTable({ schema: 'cdm', name: 'product_counters' });
  for (const [, , name] of [...INDEXES].reverse()) pgm.sql(`DROP INDEX dds.${name}`);
  pgm.sql('ALTER TABLE dds.l_order_user DROP COLUMN order_dt');
  pgm.dropTable({ schema: 'dds', name: 'l_order_restaurant' });
}
