import type { MigrationBuilder } from 'node-pg-migrate';

// A consumed message's key and value are bytes; Postgres text holds neither a NUL nor invalid
// UTF-8. Such a message is stored base64-encoded (key and raw_value both) and says so here, so that
// recording it can never fail and a re-drive sends back the exact bytes.
export function up(pgm: MigrationBuilder): void {
  pgm.addColumn(
    { schema: 'public', name: 'dead_letters' },
    {
      encoding: { type: 'text', notNull: true, default: 'utf8', check: "encoding IN ('utf8', 'base64')" },
    },
  );
}

export function down(pgm: MigrationBuilder): void {
  pgm.dropColumn({ schema: 'public', name: 'dead_letters' }, 'encoding');
}
