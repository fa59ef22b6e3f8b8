import type { Pool } from 'pg';
import { fromPostgres } from '@orders-dwh/shared/http';

/** Name of the durable Postgres sequence every source instance allocates order ids from. */
export const ORDER_ID_SEQUENCE = 'stg.order_id_seq';

/**
 * Allocates `count` order ids in one round trip. Ids come from a shared sequence, so two source
 * instances never hand out the same id; ids of one block need not be consecutive. Postgres being
 * unreachable rejects with DependencyUnavailableError.
 */
export async function allocateOrderIds(db: Pick<Pool, 'query'>, count: number): Promise<number[]> {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  const { rows } = await fromPostgres(db.query<{ id: string }>(`SELECT nextval('${ORDER_ID_SEQUENCE}')::text AS id FROM generate_series(1, $1::int)`, [count]));
  return rows.map(({ id }) => {
    const value = Number(id);
    if (!Number.isSafeInteger(value)) throw new RangeError(`order id ${id} is beyond JavaScript's safe integers`);
    return value;
  });
}
