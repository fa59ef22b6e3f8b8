import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClosedOrder, EnrichedOrder } from '@orders-dwh/shared/contracts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { ddsStage } from '../../dds/src/dds-stage.ts';
import { hubHashKey } from '@orders-dwh/shared/vault';
import { enrichedOrder, menu } from '../../dds/test/enriched-order-fixture.ts';
import { runBatch } from '../../../test/support/run-batch.ts';
import { cdmStage } from '../src/cdm-stage.ts';
import { compareWithGroundTruth, groundTruthCounters } from '../src/ground-truth.ts';
import { inBatches, orderStream } from './order-stream.ts';

let db: TestDatabase;
const events = orderStream({ seed: 20251121, orders: 120 });
const ddsBatches = inBatches(events, 37);
let cdmBatches: ClosedOrder[][] = [];

async function counters(): Promise<unknown[]> {
  const { rows } = await db.pool.query(`
    SELECT 'product' AS kind, user_id, product_id AS item_id, product_name AS name, order_cnt FROM cdm.user_product_counters
    UNION ALL
    SELECT 'category', user_id, category_id, category_name, order_cnt FROM cdm.user_category_counters
    UNION ALL
    SELECT 'total', category_id, product_id, product_name, order_cnt FROM cdm.product_counters
    UNION ALL
    SELECT 'pair', product_id, other_product_id, NULL, order_cnt FROM cdm.product_pair_counters
    ORDER BY 1, 2, 3`);
  return rows;
}

async function loadDds(batch: EnrichedOrder[]): Promise<ClosedOrder[]> {
  return (await runBatch(db.pool, ddsStage, batch)).map((m) => m.value as ClosedOrder);
}

beforeAll(async () => {
  db = await createTestDatabase();
  const messages: ClosedOrder[] = [];
  for (const batch of ddsBatches) messages.push(...(await loadDds(batch)));
  cdmBatches = inBatches(messages, 9);
  for (const batch of cdmBatches) await runBatch(db.pool, cdmStage, batch);
});
afterAll(async () => {
  await db?.drop();
});

describe('ground truth', () => {
  it('counts the distinct orders that reached CLOSED: per user and product or category, per product, per pair of products', async () => {
    const expectedProducts = new Map<string, Set<number>>();
    const expectedCategories = new Map<string, Set<number>>();
    const expectedTotals = new Map<string, Set<number>>();
    const expectedPairs = new Map<string, Set<number>>();
    const add = (map: Map<string, Set<number>>, key: string, orderId: number) => map.set(key, (map.get(key) ?? new Set()).add(orderId));
    for (const { payload } of events.filter((e) => e.payload.status === 'CLOSED')) {
      const user = hubHashKey(payload.user.id);
      for (const p of payload.products) {
        add(expectedProducts, `${user} ${hubHashKey(p.id)}`, payload.id);
        add(expectedCategories, `${user} ${hubHashKey(p.category)}`, payload.id);
        add(expectedTotals, hubHashKey(p.id), payload.id);
        for (const q of payload.products) if (q.id !== p.id) add(expectedPairs, `${hubHashKey(p.id)} ${hubHashKey(q.id)}`, payload.id);
      }
    }
    const truth = await groundTruthCounters(db.pool);
    const asCounts = (map: Map<string, Set<number>>) => Object.fromEntries([...map].map(([k, ids]) => [k, ids.size]));
    expect(Object.fromEntries(truth.products.map((r) => [`${r.user_id} ${r.product_id}`, r.order_cnt]))).toEqual(asCounts(expectedProducts));
    expect(Object.fromEntries(truth.categories.map((r) => [`${r.user_id} ${r.category_id}`, r.order_cnt]))).toEqual(asCounts(expectedCategories));
    expect(Object.fromEntries(truth.productTotals.map((r) => [r.product_id, r.order_cnt]))).toEqual(asCounts(expectedTotals));
    expect(Object.fromEntries(truth.productPairs.map((r) => [`${r.product_id} ${r.other_product_id}`, r.order_cnt]))).toEqual(asCounts(expectedPairs));
    expect(truth.products.length).toBeGreaterThan(10);
    expect(truth.productPairs.length).toBeGreaterThan(10);
  });
});

describe('cdm stage', () => {
  it('ends with counters equal to the ground truth over the vault', async () => {
    expect(cdmBatches.flat().length).toBeGreaterThan(20);
    expect(await compareWithGroundTruth(db.pool)).toEqual([]);
  });

  it('changes nothing when every dds and cdm batch is delivered again', async () => {
    const before = await counters();
    const messages: ClosedOrder[] = [];
    for (const batch of ddsBatches) messages.push(...(await loadDds(batch)));
    for (const batch of inBatches(messages, 13)) await runBatch(db.pool, cdmStage, batch);
    expect(await counters()).toEqual(before);
    expect(await compareWithGroundTruth(db.pool)).toEqual([]);
  });

  it('counts an order given twice in one batch once, and a category once per order', async () => {
    const [message] = await loadDds([enrichedOrder({ id: 90_001, userId: 42, status: 'CLOSED', products: [menu.soup, menu.borscht] })]);
    await runBatch(db.pool, cdmStage, [message, message]);
    const { rows } = await db.pool.query(
      `SELECT category_name, order_cnt FROM cdm.user_category_counters WHERE user_id = $1
       UNION ALL SELECT product_name, order_cnt FROM cdm.user_product_counters WHERE user_id = $1 ORDER BY 1`,
      [message.user_id],
    );
    expect(rows).toEqual([
      { category_name: 'Borscht', order_cnt: 1 },
      { category_name: 'Soups', order_cnt: 1 },
      { category_name: 'Tomato soup', order_cnt: 1 },
    ]);
    expect(await compareWithGroundTruth(db.pool)).toEqual([]);
  });

  it('updates names from newly counted orders', async () => {
    const renamed = { ...menu.soup, name: 'Tomato soup (large)' };
    const [message] = await loadDds([enrichedOrder({ id: 90_002, userId: 42, status: 'CLOSED', products: [renamed] })]);
    await runBatch(db.pool, cdmStage, [message]);
    const { rows } = await db.pool.query('SELECT product_name, order_cnt FROM cdm.user_product_counters WHERE user_id = $1 AND product_id = $2', [
      message.user_id,
      message.products[0].product_id,
    ]);
    expect(rows).toEqual([{ product_name: 'Tomato soup (large)', order_cnt: 2 }]);
  });

  it('reports counters that drifted from the ground truth', async () => {
    const client = await db.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query(
        'UPDATE cdm.user_product_counters SET order_cnt = order_cnt + 1 WHERE ctid = (SELECT min(ctid) FROM cdm.user_product_counters) RETURNING user_id, product_id, order_cnt',
      );
      await client.query('DELETE FROM cdm.user_category_counters WHERE ctid = (SELECT min(ctid) FROM cdm.user_category_counters)');
      const mismatches = await compareWithGroundTruth(client);
      expect(mismatches).toHaveLength(2);
      expect(mismatches[0]).toEqual({
        counter: 'user_product_counters',
        key: { user_id: rows[0].user_id, product_id: rows[0].product_id },
        expected: rows[0].order_cnt - 1,
        actual: rows[0].order_cnt,
      });
      expect(mismatches[1]).toMatchObject({ counter: 'user_category_counters', actual: 0 });
      expect(mismatches[1].expected).toBeGreaterThan(0);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  });

  it('counts nothing the vault does not hold as the message says, and says why for each', async () => {
    const before = await counters();
    const [real] = await loadDds([enrichedOrder({ id: 90_003, userId: 43, status: 'CLOSED', products: [menu.soup, menu.tea] })]);
    const [open] = await loadDds([enrichedOrder({ id: 90_004, userId: 43, status: 'OPEN', products: [menu.soup] })]);
    expect(open).toBeUndefined();
    const other = (n: number) => hubHashKey(`not-in-the-vault-${n}`);
    const forged: ClosedOrder[] = [
      { ...real, order_id: other(1) },
      { ...real, order_id: hubHashKey(90_004) },
      { ...real, user_id: other(2) },
      { ...real, products: [...real.products, { ...real.products[0]!, product_id: other(3) }] },
      {
        ...real,
        products: [{ ...real.products[0]!, category_id: real.products[1]!.category_id, category_name: real.products[1]!.category_name }, real.products[1]!],
      },
      { ...real, products: [real.products[1]!] },
    ];
    const rejected: Array<{ item: ClosedOrder; reason: string }> = [];
    await runBatch(db.pool, cdmStage, forged, new Date(), rejected);
    expect(rejected.map((r) => r.item)).toEqual(forged);
    expect(rejected.map((r) => r.reason)).toEqual([
      `not counted: order ${other(1)} is not CLOSED in the vault`,
      `not counted: order ${hubHashKey(90_004)} is not CLOSED in the vault`,
      `not counted: order ${real.order_id} is not of user ${other(2)} in the vault`,
      `not counted: product ${other(3)} is not in order ${real.order_id} in the vault; product ${other(3)} is not in category ${real.products[0]!.category_id} in the vault; order ${real.order_id} has 2 products in the vault, not 3`,
      `not counted: product ${real.products[0]!.product_id} is not in category ${real.products[1]!.category_id} in the vault`,
      `not counted: order ${real.order_id} has 2 products in the vault, not 1`,
    ]);
    // Refused before counted_orders: the real message still counts when it comes.
    expect(await counters()).toEqual(before);
    await runBatch(db.pool, cdmStage, [real]);
    expect(await compareWithGroundTruth(db.pool)).toEqual([]);
    expect((await counters()).length).toBeGreaterThan(before.length);
  });
});
