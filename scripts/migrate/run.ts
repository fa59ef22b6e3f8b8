import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import { register } from 'tsx/esm/api';

export type MigrationLog = (message: string) => void;

/** migrations/ at the project's root holds the migrations and nothing else. */
const migrationsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'migrations');
// Only timestamped TypeScript files are migrations (a README or an editor's backup file is not).
const notAMigration = String.raw`(?!\d{13,17}_[\w-]+\.ts$).*`;
const lockRetryDelayMs = 250;
const lockRetryLimitMs = 30_000;

let tsLoaderRegistered = false;

// node-pg-migrate loads migration files with Node's native import(), which cannot read .ts files
// under Node 20 (nor from inside vitest, whose transform does not apply to node_modules). tsx's
// loader, registered once per process, makes them importable wherever runMigrations is called.
function ensureTypeScriptLoader(): void {
  if (tsLoaderRegistered) return;
  register();
  tsLoaderRegistered = true;
}

const isLockBusy = (error: unknown) => error instanceof Error && error.message.includes('Another migration is already running');

/** Applies every pending migration to the database at databaseUrl (or, for tests, `count` of them in `direction`). */
export async function runMigrations(
  databaseUrl: string,
  log: MigrationLog = () => {},
  options: { direction?: 'up' | 'down'; count?: number } = {},
): Promise<string[]> {
  ensureTypeScriptLoader();
  const startedAt = Date.now();
  for (;;) {
    try {
      const applied = await runner({
        databaseUrl,
        dir: migrationsDir,
        ignorePattern: notAMigration,
        direction: options.direction ?? 'up',
        count: options.count ?? Number.POSITIVE_INFINITY,
        migrationsTable: 'pgmigrations',
        migrationsSchema: 'public',
        schema: 'public',
        checkOrder: true,
        singleTransaction: true,
        verbose: false,
        log,
      });
      return applied.map((migration) => migration.name);
    } catch (error) {
      // Several processes may start at once; node-pg-migrate's advisory lock lets one migrate.
      if (!isLockBusy(error) || Date.now() - startedAt > lockRetryLimitMs) throw error;
      log(`another process is migrating; retrying in ${lockRetryDelayMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, lockRetryDelayMs));
    }
  }
}
