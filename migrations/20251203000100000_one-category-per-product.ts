import type { MigrationBuilder } from 'node-pg-migrate';

// A product has one category. The category counters count an order under its products' categories
// and the truth over the vault joins every l_product_category link of a product, so a second link
// would count all of its orders under both. dds refuses an order that names another category for a
// product already filed (services/dds/src/product-categories.ts); this unique index holds the rule
// against concurrent loaders too. It replaces the read index on (h_product_pk, h_category_pk).
export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    DO $$
    DECLARE
      products int;
    BEGIN
      SELECT count(*) INTO products FROM (SELECT h_product_pk FROM dds.l_product_category GROUP BY 1 HAVING count(*) > 1) twice;
      IF products > 0 THEN
        RAISE EXCEPTION 'dds.l_product_category links % product(s) to more than one category', products
          USING HINT = 'keep one link per product (SELECT h_product_pk FROM dds.l_product_category GROUP BY 1 HAVING count(*) > 1 lists them), then migrate again';
      END IF;
    END $$;
    CREATE UNIQUE INDEX l_product_category_one_per_product ON dds.l_product_category (h_product_pk) INCLUDE (h_category_pk);
    DROP INDEX dds.l_product_category_by_product;
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`
    CREATE INDEX l_product_category_by_product ON dds.l_product_category (h_product_pk, h_category_pk);
    DROP INDEX dds.l_product_category_one_per_product;
  `);
}
