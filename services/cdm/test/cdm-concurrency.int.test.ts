// Concurrent cdm writers (partitions of one instance, or several instances) add to the same counter
// rows. Each locks them in one order (the deltas are sorted by key), so none waits for another in a
// cycle: batches whose orders list the same products in opposite orders run at the same time, and
// Postgres reports no deadlock, every transaction commits at once, and the counters are exact.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClosedOrder, EnrichedOrder } from '@orders-dwh/shared/contracts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { runBatch } from '../../../test/support/run-batch.ts';
import { ddsStage } from '../../dds/src/dds-stage.ts';
import { enrichedOrder, hexId } from '../../dds/test/enriched-order-fixture.ts';
import { cdmStage } from '../src/cdm-stage.ts';
import { compareWithGroundTruth } from '../src/ground-truth.ts';

const PRODUCTS = Array.from({ length: 50 }, (_, i) => ({ id: hexId(500 + i), name: `Product ${i}`, price: 100, quantity: 1, category: `Category ${i % 7}` }));
const ROUNDS = 8;
const WRITERS = 4;

let db: TestDatabase;
let writers: pg.Pool;

const deadlocks = async () =>
  Number((await db.pool.query<{ n: string }>('SELECT deadlocks AS n FROM pg_stat_database WHERE datname = current_database()')).rows[0]!.n);

/** Writer w's order of round r: the same user and products, listed forwards or backwards. */
function order(r: number, w: number): EnrichedOrder {
  const products = w % 2 ? [...PRODUCTS].reverse() : PRODUCTS;
  return enrichedOrder({ id: r * 100 + w + 1, userId: 7, status: 'CLOSED', products });
}

beforeAll(async () => {
  db = await createTestDatabase();
  writers = new pg.Pool({ connectionString: db.url, max: WRITERS });
});
afterAll(async () => {
  await writers?.end();
  await db?.drop();
});

describe('concurrent cdm writers', () => {
  it('never deadlock on counter rows, and count exactly', async () => {
    const messages: ClosedOrder[][] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const round = Array.from({ length: WRITERS }, (_, w) => order(r, w));
      // One message per writer, its products in the writer's order.
      const closed = (await runBatch(db.pool, ddsStage, round)).map((m) => m.value as ClosedOrder);
      expect(closed.map((c) => c.products[0]!.product_name)).toEqual(round.map((o) => o.payload.products[0]!.name));
      messages.push(closed);
    }
    const before = await deadlocks();
    // A deadlock fails one of the writers (40P01) and is counted by Postgres.
    for (const round of messages) await Promise.all(round.map((message) => runBatch(writers, cdmStage, [message])));
    expect(await deadlocks()).toBe(before);
    expect(await compareWithGroundTruth(db.pool)).toEqual([]);
    const { rows } = await db.pool.query<{ n: number }>('SELECT max(order_cnt)::int AS n FROM cdm.user_product_counters');
    expect(rows[0]!.n).toBe(ROUNDS * WRITERS);
  });
});
