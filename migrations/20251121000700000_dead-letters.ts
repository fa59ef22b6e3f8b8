import type { MigrationBuilder } from 'node-pg-migrate';

// Messages no stage could process, with the reason; redriven_at is set when one is sent again.
export function up(pgm: MigrationBuilder): void {
  pgm.createTable(
    { schema: 'public', name: 'dead_letters' },
    {
      id: { type: 'bigserial', primaryKey: true },
      service: { type: 'text', notNull: true },
      topic: { type: 'text', notNull: true },
      partition: { type: 'integer', notNull: true },
      offset: { type: 'bigint', notNull: true },
      key: { type: 'text' },
      raw_value: { type: 'text' },
      reason: { type: 'text', notNull: true },
      failed_at: { type: 'timestamptz', notNull: true, default: pgm.func('now()') },
      redriven_at: { type: 'timestamptz' },
    },
  );
  // One row per consumed message: a batch replayed after a crash finds its dead letters already here.
  pgm.addConstraint({ schema: 'public', name: 'dead_letters' }, 'dead_letters_source_message_key', {
    unique: ['service', 'topic', 'partition', 'offset'],
  });
  pgm.createIndex({ schema: 'public', name: 'dead_letters' }, ['service', 'failed_at']);
}

export function down(pgm: MigrationBuilder): void {
  pgm.dropTable({ schema: 'public', name: 'dead_letters' });
}
