import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClosedOrder } from '@orders-dwh/shared/contracts';
import { cdmStage } from '../../services/cdm/src/cdm-stage.ts';
import { inBatches, orderStream } from '../../services/cdm/test/order-stream.ts';
import { ddsStage } from '../../services/dds/src/dds-stage.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { runBatch } from '../support/run-batch.ts';
import { runMigrations } from '../../scripts/migrate/run.ts';

// The read-side migrations fill, for orders loaded before them, what dds and cdm now write as
// they stream: taken down and applied again over a streamed warehouse, they must give it back.
// Every migration from the first of them on goes down and up again (later ones must be reversible too).
const FIRST = '20251201000100000_recommendations';
const MIGRATIONS = readdirSync(path.resolve(import.meta.dirname, '..', '..', 'migrations'))
  .filter((file) => /^\d{17}_[\w-]+\.ts$/.test(file))
  .map((file) => file.slice(0, -'.ts'.length))
  .filter((name) => name >= FIRST)
  .sort()
  .reverse();

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
  const messages: ClosedOrder[] = [];
  for (const batch of inBatches(orderStream({ seed: 7, orders: 150 }), 40)) {
    messages.push(...(await runBatch(db.pool, ddsStage, batch)).map((m) => m.value as ClosedOrder));
  }
  for (const batch of inBatches(messages, 11)) await runBatch(db.pool, cdmStage, batch);
});
afterAll(async () => {
  await db?.drop();
});

const snapshot = async () => ({
  orderRestaurants: (await db.pool.query('SELECT hk_order_restaurant_pk, h_order_pk, h_restaurant_pk, load_dt FROM dds.l_order_restaurant ORDER BY 1')).rows,
  orderDates: (await db.pool.query('SELECT hk_order_user_pk, order_dt FROM dds.l_order_user ORDER BY 1')).rows,
  products: (await db.pool.query('SELECT product_id, product_name, category_id, category_name, order_cnt FROM cdm.product_counters ORDER BY 1')).rows,
  pairs: (await db.pool.query('SELECT product_id, other_product_id, order_cnt FROM cdm.product_pair_counters ORDER BY 1, 2')).rows,
});

describe('the recommendations migrations', () => {
  it('give orders loaded before them their restaurant, their date by user, and their product and pair counters', async () => {
    const streamed = await snapshot();
    expect(streamed.orderRestaurants.length).toBe(150);
    expect(streamed.pairs.length).toBeGreaterThan(10);

    expect(MIGRATIONS).toContain('20251201000200000_order-restaurant-backfill');
    expect(await runMigrations(db.url, () => {}, { direction: 'down', count: MIGRATIONS.length })).toEqual(MIGRATIONS);
    expect(await runMigrations(db.url)).toEqual([...MIGRATIONS].reverse());
    // Link rows of the backfill are stamped with the order's own load time, like dds would have.
    expect(await snapshot()).toEqual(streamed);
    const { rows } = await db.pool.query(`SELECT DISTINCT load_src FROM dds.l_order_restaurant`);
    expect(rows).toEqual([{ load_src: 'migration:order-restaurant-backfill' }]);
  });
});
