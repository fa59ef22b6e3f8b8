import type { PoolClient } from 'pg';

/**
 * Runs work inside a savepoint of the open transaction: on error everything it did is undone (and
 * the transaction is usable again) before the error is rethrown. Savepoints are taken one after
 * another, never nested, so one name is enough.
 */
export async function inSavepoint<T>(db: PoolClient, work: () => Promise<T>): Promise<T> {
  await db.query('SAVEPOINT stage_attempt');
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await db.query('ROLLBACK TO SAVEPOINT stage_attempt');
    throw error;
  }
  await db.query('RELEASE SAVEPOINT stage_attempt');
  return result;
}
