// `npm run migrate`: creates the database in DATABASE_URL if needed and applies pending migrations.
import { ensureDatabase } from './ensure-database.ts';
import { runMigrations } from './run.ts';

const databaseUrl = process.env.DATABASE_URL?.trim() || 'postgres://postgres@127.0.0.1:5432/dwh';

try {
  if (await ensureDatabase(databaseUrl)) console.log('created the database');
  const applied = await runMigrations(databaseUrl, (message) => console.log(message));
  console.log(applied.length ? `applied ${applied.length} migration(s)` : 'database is up to date');
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
}
