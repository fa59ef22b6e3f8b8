// `npm run migrate`: creates the database in DATABASE_URL if needed and applies pending migrations.
import { loadDatabaseUrl } from '@orders-dwh/shared/config';
import { ensureDatabase } from './migrate/ensure-database.ts';
import { runMigrations } from './migrate/run.ts';

const databaseUrl = loadDatabaseUrl();

try {
  if (await ensureDatabase(databaseUrl)) console.log('created the database');
  const applied = await runMigrations(databaseUrl, (message) => console.log(message));
  console.log(applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
