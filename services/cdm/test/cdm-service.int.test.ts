// The cdm service in-process, through Kafka: closed orders on cdm_service → per-user counters,
// each order counted once however often it is delivered.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClosedOrder } from '@orders-dwh/shared/contracts';
import type { Config } from '@orders-dwh/shared/config';
import {
  deadLetterRows,
  produce,
  startStage,
  startTestInfra,
  waitForStage,
  type ProducedMessage,
  type RunningStage,
  type TestInfra,
} from '../../../test/support/service-harness.ts';
import { toClosedOrderMessage } from '../../dds/src/closed-order-message.ts';
import { enrichedOrder, hexId, menu } from '../../dds/test/enriched-order-fixture.ts';
import { ddsStage } from '../../dds/src/dds-stage.ts';
import { runBatch } from '../../../test/support/run-batch.ts';
import { cdmMain } from '../src/cdm-main.ts';

// The orders as dds loads them into the vault; cdm counts only what the vault holds.
const enriched = [
  enrichedOrder({ id: 1, userId: 1, status: 'CLOSED', products: [menu.soup, menu.steak] }),
  enrichedOrder({ id: 2, userId: 1, status: 'CLOSED', products: [menu.soup, menu.borscht] }), // two Soups: the category counts this order once
  enrichedOrder({ id: 3, userId: 2, status: 'CLOSED', products: [menu.tea] }),
  enrichedOrder({ id: 4, userId: 1, status: 'CLOSED', products: [menu.tea, menu.steak] }),
];
const orders: ClosedOrder[] = enriched.map(toClosedOrderMessage);
const message = (order: ClosedOrder): ProducedMessage => ({ key: order.order_id, value: JSON.stringify(order) });

let infra: TestInfra;
let config: Config;
let stage: RunningStage;

/** What the counters must hold for these distinct orders, computed independently of the service. */
function expectedCounters(distinct: ClosedOrder[]) {
  const products = new Map<string, { user_id: string; product_id: string; product_name: string; order_cnt: number }>();
  const categories = new Map<string, { user_id: string; category_id: string; category_name: string; order_cnt: number }>();
  for (const order of distinct) {
    for (const p of order.products) {
      const key = `${order.user_id}/${p.product_id}`;
      const row = products.get(key) ?? { user_id: order.user_id, product_id: p.product_id, product_name: p.product_name, order_cnt: 0 };
      products.set(key, { ...row, order_cnt: row.order_cnt + 1 });
    }
    for (const [categoryId, name] of new Map(order.products.map((p) => [p.category_id, p.category_name]))) {
      const key = `${order.user_id}/${categoryId}`;
      const row = categories.get(key) ?? { user_id: order.user_id, category_id: categoryId, category_name: name, order_cnt: 0 };
      categories.set(key, { ...row, order_cnt: row.order_cnt + 1 });
    }
  }
  const sorted = <T extends { user_id: string }>(rows: T[], id: (row: T) => string) =>
    rows.sort((a, b) => a.user_id.localeCompare(b.user_id) || id(a).localeCompare(id(b)));
  return {
    products: sorted([...products.values()], (r) => r.product_id),
    categories: sorted([...categories.values()], (r) => r.category_id),
  };
}

async function counters() {
  const products = await infra.db.pool.query(
    'SELECT user_id::text, product_id::text, product_name, order_cnt FROM cdm.user_product_counters ORDER BY user_id::text, product_id::text',
  );
  const categories = await infra.db.pool.query(
    'SELECT user_id::text, category_id::text, category_name, order_cnt FROM cdm.user_category_counters ORDER BY user_id::text, category_id::text',
  );
  return { products: products.rows, categories: categories.rows };
}

beforeAll(async () => {
  infra = await startTestInfra();
  config = infra.config();
  await runBatch(infra.db.pool, ddsStage, enriched);
  stage = await startStage(cdmMain, config);
}, 30_000);

afterAll(async () => {
  await stage?.service.stop();
  await infra?.close();
}, 30_000);

describe('cdm service through Kafka', () => {
  it('adds each closed order to the product and category counters of its user', async () => {
    await produce(infra.producer, config.topics.cdm, orders.slice(0, 3).map(message));
    await waitForStage(infra, stage);
    expect(await counters()).toEqual(expectedCounters(orders.slice(0, 3)));
    expect(await counters()).toMatchObject({ categories: expect.arrayContaining([expect.objectContaining({ category_name: 'Soups', order_cnt: 2 })]) });
  });

  it('counts an order delivered again, in a later batch or twice in one batch, once', async () => {
    // Orders 1 and 3 again (a redelivery), order 4 twice in one send, order 2 a third time.
    await produce(infra.producer, config.topics.cdm, [orders[0]!, orders[3]!, orders[2]!, orders[3]!, orders[1]!].map(message));
    await waitForStage(infra, stage);
    await produce(infra.producer, config.topics.cdm, [orders[1]!].map(message));
    await waitForStage(infra, stage);

    expect(await counters()).toEqual(expectedCounters(orders));
    const { rows } = await infra.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cdm.counted_orders');
    expect(rows[0]!.n).toBe(orders.length);
    expect(await deadLetterRows(infra)).toEqual([]);
  });

  it('dead-letters an order the vault does not hold, counting nothing of it', async () => {
    const before = await counters();
    const stranger = toClosedOrderMessage(enrichedOrder({ id: 5, userId: 3, status: 'CLOSED', products: [menu.soup] }));
    await produce(infra.producer, config.topics.cdm, [message(stranger)]);
    await waitForStage(infra, stage);
    expect(await counters()).toEqual(before);
    const letters = await deadLetterRows(infra);
    expect(letters).toEqual([
      expect.objectContaining({ service: 'cdm', key: stranger.order_id, reason: `not counted: order ${stranger.order_id} is not CLOSED in the vault` }),
    ]);
  });

  it('serves the read API beside /health, with its own pool, from what it counted', async () => {
    const app = stage.service.app;
    const counters = await app.inject({ method: 'GET', url: `/users/${hexId(1)}/counters` });
    expect(counters.statusCode).toBe(200);
    // User 1: orders 1 (soup, steak), 2 (soup, borscht), 4 (tea, steak).
    expect(counters.json().categories).toEqual([
      { category: 'Main courses', orders: 2 },
      { category: 'Soups', orders: 2 },
      { category: 'Drinks', orders: 1 },
    ]);
    expect(
      counters
        .json()
        .products.map((p: { name: string; orders: number }) => [p.name, p.orders])
        .sort(),
    ).toEqual([
      ['Borscht', 1],
      ['Green tea', 1],
      ['Steak', 2],
      ['Tomato soup', 2],
    ]);
    const also = await app.inject({ method: 'GET', url: `/products/${menu.steak!.id}/also-ordered` });
    expect(
      also
        .json()
        .also_ordered.map((p: { name: string; orders_together: number }) => [p.name, p.orders_together])
        .sort(),
    ).toEqual([
      ['Green tea', 1],
      ['Tomato soup', 1],
    ]);
    expect((await app.inject({ method: 'GET', url: '/openapi.json' })).json().paths).toHaveProperty(['/users/{userId}/recommendations']);
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
  });
});
