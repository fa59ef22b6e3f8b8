import type { MigrationBuilder } from 'node-pg-migrate';

// The dashboard runs in the source service, connected as dwh_source: it reads the catalog-sized
// cdm.product_counters (top products and categories) and the dead letters, and its re-drive marks
// the letters it sent back. Nothing else of cdm, and no other write.
export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    GRANT USAGE ON SCHEMA cdm TO dwh_source;
    GRANT SELECT ON cdm.product_counters TO dwh_source;
    GRANT SELECT ON public.dead_letters TO dwh_source;
    GRANT UPDATE (redriven_at) ON public.dead_letters TO dwh_source;
  `);
}

export function down(pgm: MigrationBuilder): void {
  pgm.sql(`
    REVOKE UPDATE (redriven_at) ON public.dead_letters FROM dwh_source;
    REVOKE SELECT ON public.dead_letters FROM dwh_source;
    REVOKE SELECT ON cdm.product_counters FROM dwh_source;
    REVOKE USAGE ON SCHEMA cdm FROM dwh_source;
  `);
}
