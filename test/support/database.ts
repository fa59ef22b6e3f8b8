import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { ensureDatabase } from '../../scripts/migrate/ensure-database.ts';
import { runMigrations } from '../../scripts/migrate/run.ts';

export interface TestDatabase {
  /** Connection string of the fresh, migrated database. */
  url: string;
  pool: pg.Pool;
  /** Ends the pool and drops the database. */
  drop(): Promise<void>;
}

const server = 'postgres://postgres@127.0.0.1:5432';

/** A fresh database `dwh_test_<random>` with every migration applied, for one test file. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `dwh_test_${randomBytes(6).toString('hex')}`;
  const url = `${server}/${name}`;
  await ensureDatabase(url);
  try {
    await runMigrations(url);
  } catch (error) {
    await dropDatabase(name);
    throw error;
  }
  const pool = new pg.Pool({ connectionString: url, max: 5 });
  let dropped = false;
  return {
    url,
    pool,
    async drop() {
      if (dropped) return;
      dropped = true;
      await pool.end();
      await dropDatabase(name);
    },
  };
}

export async function dropDatabase(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: `${server}/postgres` });
  await admin.connect();
  try {
    // pool.end() does not wait for the sessions to close; forcing the drop while one is closing
    // would raise an unhandled error in the test process. Give them a moment, then force.
    for (let waited = 0; waited < 5_000; waited += 50) {
      const { rows } = await admin.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1', [name]);
      if (rows[0].n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/**
 * Makes the test database refuse writes as a standby does (SQLSTATE 25006), or accept them again,
 * for new sessions; ends every other session on it, so that the services' pools reconnect into it.
 */
export async function setReadOnly(db: TestDatabase, on: boolean): Promise<void> {
  const name = new URL(db.url).pathname.slice(1);
  await db.pool.query(`ALTER DATABASE "${name}" SET default_transaction_read_only = ${on ? 'on' : 'off'}`);
  await db.pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
}
