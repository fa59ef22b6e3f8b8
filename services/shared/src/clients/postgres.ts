import pg from 'pg';
import type { Logger } from '../logger.ts';

export function createPool(databaseUrl: string, log: Logger, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, connectionTimeoutMillis: 5000 });
  // An idle client losing its server must not crash the process: the next query reconnects.
  pool.on('error', (error) => log.warn({ err: error }, 'idle postgres client failed'));
  return pool;
}

export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // A checked-out client has no 'error' listener of the pool's: a lost connection would crash the
  // process. Its pending queries reject on their own; the client is discarded on release.
  const onError = () => (broken = true);
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch {
      broken = true;
    }
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
