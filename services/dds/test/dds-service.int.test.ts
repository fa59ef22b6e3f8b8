// The dds service in-process, through Kafka: enriched orders on dds_service → the Data Vault, and
// one closed-order message per CLOSED order on cdm_service.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedOrderContract, type ClosedOrder, type EnrichedOrder } from '@orders-dwh/shared/contracts';
import type { Config } from '@orders-dwh/shared/config';
import {
  deadLetterRows,
  produce,
  readTopic,
  startStage,
  startTestInfra,
  waitForStage,
  type RunningStage,
  type TestInfra,
} from '../../../test/support/service-harness.ts';
import { hubHashKey } from '@orders-dwh/shared/vault';
import { menu, orderLifecycle } from './enriched-order-fixture.ts';
import { ddsMain } from '../src/dds-main.ts';

const order1 = orderLifecycle({ id: 11, userId: 1, products: [menu.soup, menu.steak] }, ['OPEN', 'COOKING', 'DELIVERING', 'CLOSED']);
const order2 = orderLifecycle({ id: 12, userId: 2, products: [menu.tea] }, ['OPEN', 'CANCELLED']);
const order3 = orderLifecycle({ id: 13, userId: 1, products: [menu.borscht, menu.soup, menu.tea] }, ['CLOSED']);
const order4 = orderLifecycle({ id: 14, userId: 3 }, ['OPEN']);
// Interleaved the way the topic delivers orders; each order's events in their order.
const stream: EnrichedOrder[] = [order1[0]!, order2[0]!, order1[1]!, order3[0]!, order4[0]!, order2[1]!, order1[2]!, order1[3]!];
const statusBad = { ...order4[0]!, payload: { ...order4[0]!.payload, id: 15, status: 'LOST' } };

let infra: TestInfra;
let config: Config;
let stage: RunningStage;

const rows = async <T>(sql: string) => (await infra.db.pool.query(sql)).rows as T[];

beforeAll(async () => {
  infra = await startTestInfra();
  config = infra.config({ CONSUMER_MAX_BATCH: '3' });
  stage = await startStage(ddsMain, config);
  await produce(infra.producer, config.topics.dds, [
    ...stream.map((o) => ({ key: String(o.object_id), value: JSON.stringify(o) })),
    { key: '15', value: JSON.stringify(statusBad) },
  ]);
  await waitForStage(infra, stage);
}, 30_000);

afterAll(async () => {
  await stage?.service.stop();
  await infra?.close();
}, 30_000);

describe('dds service through Kafka', () => {
  it('files every order into the hubs and links', async () => {
    expect(await rows('SELECT order_id::int FROM dds.h_order ORDER BY 1')).toEqual([{ order_id: 11 }, { order_id: 12 }, { order_id: 13 }, { order_id: 14 }]);
    expect(await rows('SELECT count(*)::int AS n FROM dds.l_order_user')).toEqual([{ n: 4 }]);
    const products = new Set([menu.soup, menu.steak, menu.tea, menu.borscht].map((p) => p.id));
    expect((await rows<{ product_id: string }>('SELECT product_id FROM dds.h_product')).map((r) => r.product_id).sort()).toEqual([...products].sort());
    // Distinct (order, product) pairs: 2 + 1 + 3 + 2 (order 14 has the default soup and steak).
    expect(await rows('SELECT count(*)::int AS n FROM dds.l_order_product')).toEqual([{ n: 8 }]);
    expect(await rows('SELECT category_name FROM dds.h_category ORDER BY 1')).toEqual([
      { category_name: 'Drinks' },
      { category_name: 'Main courses' },
      { category_name: 'Soups' },
    ]);
  });

  it('keeps the status history of each order in s_order_status', async () => {
    const history = await rows<{ order_id: number; statuses: string[] }>(`
      SELECT h.order_id::int, array_agg(s.status ORDER BY s.load_dt) AS statuses
      FROM dds.s_order_status s JOIN dds.h_order h USING (h_order_pk) GROUP BY 1 ORDER BY 1`);
    expect(history).toEqual([
      { order_id: 11, statuses: ['OPEN', 'COOKING', 'DELIVERING', 'CLOSED'] },
      { order_id: 12, statuses: ['OPEN', 'CANCELLED'] },
      { order_id: 13, statuses: ['CLOSED'] },
      { order_id: 14, statuses: ['OPEN'] },
    ]);
  });

  it('sends one closed-order message per CLOSED order to cdm_service', async () => {
    const forwarded = await readTopic(infra.kafka, config.topics.cdm);
    expect(forwarded.map((m) => m.key).sort()).toEqual(['11', '13']);
    const byKey = new Map(forwarded.map((m) => [m.key, JSON.parse(m.value!) as ClosedOrder]));
    for (const value of byKey.values()) expect(closedOrderContract(value).ok).toBe(true);

    const order13 = byKey.get('13')!;
    expect(order13.order_id).toBe(hubHashKey(13));
    expect(order13.user_id).toBe(hubHashKey(order3[0]!.payload.user.id));
    expect(order13.products.map((p) => [p.product_id, p.product_name, p.category_id, p.category_name])).toEqual(
      [menu.borscht, menu.soup, menu.tea].map((p) => [hubHashKey(p.id), p.name, hubHashKey(p.category), p.category]),
    );
    // The ids are the vault's hub keys.
    const [hub] = await rows<{ h_order_pk: string }>('SELECT h_order_pk FROM dds.h_order WHERE order_id = 11');
    expect(byKey.get('11')!.order_id).toBe(hub!.h_order_pk);
  });

  it('dead-letters an order breaking the contract and files nothing of it', async () => {
    const letters = await deadLetterRows(infra);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ service: 'dds', topic: config.topics.dds, key: '15', raw_value: JSON.stringify(statusBad) });
    expect(letters[0]!.reason).toMatch(/^contract: \/payload\/status must be equal to one of the allowed values/);
    expect(await rows('SELECT count(*)::int AS n FROM dds.h_order WHERE order_id = 15')).toEqual([{ n: 0 }]);
  });
});
