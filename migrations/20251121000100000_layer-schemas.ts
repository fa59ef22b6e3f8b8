import type { MigrationBuilder } from 'node-pg-migrate';

// One schema per warehouse layer: raw events (stg), Data Vault (dds), datamarts (cdm).
export function up(pgm: MigrationBuilder): void {
  pgm.createSchema('stg', { ifNotExists: true });
  pgm.createSchema('dds', { ifNotExists: true });
  pgm.createSchema('cdm', { ifNotExists: true });
}

export function down(pgm: MigrationBuilder): void {
  pgm.dropSchema('cdm', { ifExists: true });
  pgm.dropSchema('dds', { ifExists: true });
  pgm.dropSchema('stg', { ifExists: true });
}
