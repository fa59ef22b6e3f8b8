import type { MigrationBuilder } from 'node-pg-migrate';

// Least privilege: one login role per service, each able to write only its own layer.
//   dwh_source  takes order ids from stg.order_id_seq
//   dwh_stg     reads and writes stg
//   dwh_dds     reads and appends to dds (the vault is insert-only; a later migration lets it
//               delete a satellite version that repeats the one before it); nothing in stg
//   dwh_cdm     reads dds, reads and writes cdm
// and every consumer may add rows to public.dead_letters. The migrating role keeps ownership.
//
// Roles belong to the whole server, not to this database: several databases (tests, tenants) on
// one server share them, so they are created only when missing (tolerating a concurrent creation)
// and never dropped here. They are created without a password: deployments set one
// (migrations/set-role-passwords.ts); with trust or peer authentication none is needed.
const ROLES = ['dwh_source', 'dwh_stg', 'dwh_dds', 'dwh_cdm'];

export function up(pgm: MigrationBuilder): void {
  pgm.sql(`
    DO $$
    DECLARE
      role_name text;
    BEGIN
      FOREACH role_name IN ARRAY ARRAY[${ROLES.map((r) => `'${r}'`).join(', ')}] LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = role_name) THEN
          BEGIN
            EXECUTE format('CREATE ROLE %I LOGIN', role_name);
          EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL; -- another database's migration created it in the meantime
          END;
        END IF;
      END LOOP;
    END
    $$;
  `);

  pgm.sql(`
    GRANT USAGE ON SCHEMA stg TO dwh_source;
    GRANT USAGE ON SEQUENCE stg.order_id_seq TO dwh_source;

    GRANT USAGE ON SCHEMA stg TO dwh_stg;
    GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA stg TO dwh_stg;
    ALTER DEFAULT PRIVILEGES IN SCHEMA stg GRANT SELECT, INSERT, UPDATE ON TABLES TO dwh_stg;

    GRANT USAGE ON SCHEMA dds TO dwh_dds, dwh_cdm;
    GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA dds TO dwh_dds;
    GRANT SELECT ON ALL TABLES IN SCHEMA dds TO dwh_cdm;
    ALTER DEFAULT PRIVILEGES IN SCHEMA dds GRANT SELECT, INSERT ON TABLES TO dwh_dds;
    ALTER DEFAULT PRIVILEGES IN SCHEMA dds GRANT SELECT ON TABLES TO dwh_cdm;

    GRANT USAGE ON SCHEMA cdm TO dwh_cdm;
    GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA cdm TO dwh_cdm;
    ALTER DEFAULT PRIVILEGES IN SCHEMA cdm GRANT SELECT, INSERT, UPDATE ON TABLES TO dwh_cdm;

    GRANT INSERT ON public.dead_letters TO dwh_stg, dwh_dds, dwh_cdm;
    -- ON CONFLICT (service, topic, partition, "offset") needs to read the conflict target, no more.
    GRANT SELECT (service, topic, partition, "offset") ON public.dead_letters TO dwh_stg, dwh_dds, dwh_cdm;
    GRANT USAGE ON SEQUENCE public.dead_letters_id_seq TO dwh_stg, dwh_dds, dwh_cdm;
  `);
}

export function down(pgm: MigrationBuilder): void {
  // Revokes what up() granted in this database; the roles stay (other databases may use them).
  pgm.sql(`
    ALTER DEFAULT PRIVILEGES IN SCHEMA stg REVOKE ALL ON TABLES FROM dwh_stg;
    ALTER DEFAULT PRIVILEGES IN SCHEMA dds REVOKE ALL ON TABLES FROM dwh_dds, dwh_cdm;
    ALTER DEFAULT PRIVILEGES IN SCHEMA cdm REVOKE ALL ON TABLES FROM dwh_cdm;
    REVOKE ALL ON ALL TABLES IN SCHEMA stg FROM dwh_stg;
    REVOKE ALL ON ALL TABLES IN SCHEMA dds FROM dwh_dds, dwh_cdm;
    REVOKE ALL ON ALL TABLES IN SCHEMA cdm FROM dwh_cdm;
    REVOKE ALL ON SEQUENCE stg.order_id_seq FROM dwh_source;
    REVOKE SELECT (service, topic, partition, "offset") ON public.dead_letters FROM dwh_stg, dwh_dds, dwh_cdm;
    REVOKE ALL ON public.dead_letters FROM dwh_stg, dwh_dds, dwh_cdm;
    REVOKE ALL ON SEQUENCE public.dead_letters_id_seq FROM dwh_stg, dwh_dds, dwh_cdm;
    REVOKE ALL ON SCHEMA stg FROM dwh_source, dwh_stg;
    REVOKE ALL ON SCHEMA dds FROM dwh_dds, dwh_cdm;
    REVOKE ALL ON SCHEMA cdm FROM dwh_cdm;
  `);
}
