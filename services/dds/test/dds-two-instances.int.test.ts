// Two dds instances in one consumer group, several partitions each processed concurrently, loading
// rounds of orders that all introduce the same new users, products and restaurants at the same
// time: every satellite ends with one version per key (nothing changed), as a single loader would.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '@orders-dwh/shared/config';
import type { EnrichedOrder } from '@orders-dwh/shared/contracts';
import { produce, startStage, startTestInfra, waitForStage, type RunningStage, type TestInfra } from '../../../test/support/service-harness.ts';
import { ddsMain } from '../../../test/reliability/support/stage-mains.ts';
import { satelliteRepeats } from '../src/satellite-history.ts';
import { enrichedOrder, hexId } from './enriched-order-fixture.ts';

const ROUNDS = 4;
const ORDERS_PER_ROUND = 240;
const PARTITIONS = 6;

let infra: TestInfra;
let config: Config;
const instances: RunningStage[] = [];

/** A round's orders: each new user, product and restaurant of the round in orders on every partition, at different times. */
function round(r: number): EnrichedOrder[] {
  return Array.from({ length: ORDERS_PER_ROUND }, (_, i) => {
    const product = (k: number) => ({ id: hexId(10_000 * (r + 1) + k), name: `Product ${r}-${k}`, price: 100, quantity: 1, category: `Category ${k % 3}` });
    return enrichedOrder({
      id: r * 10_000 + i + 1,
      status: i % 2 ? 'CLOSED' : 'OPEN',
      updateTs: new Date(Date.UTC(2025, 10, 20, 10, r, 0, i)).toISOString(),
      userId: 1_000 * (r + 1) + (i % 5),
      restaurantId: 100 * (r + 1) + (i % 2),
      products: [product(i % 4), product((i + 1) % 4)],
    });
  });
}

beforeAll(async () => {
  infra = await startTestInfra();
  // Small batches, all partitions of an instance at once: many loads of the same keys overlap.
  config = infra.config({ TOPIC_PARTITIONS: String(PARTITIONS), CONSUMER_MAX_BATCH: '20', CONSUMER_CONCURRENCY: String(PARTITIONS) });
  for (let i = 0; i < 2; i++) instances.push(await startStage(ddsMain, config));
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 200))) {
    if ((await infra.admin.describeGroups(['dds-service'])).groups[0]!.members.length === 2) return;
  }
  throw new Error('the two dds instances did not both join the group');
}, 60_000);

afterAll(async () => {
  for (const instance of instances) await instance.service.stop();
  await infra?.close();
}, 30_000);

describe('two dds instances loading the same new keys at once', () => {
  it('keep one version per user, product and restaurant, and every order status change once', async () => {
    for (let r = 0; r < ROUNDS; r++) {
      const orders = round(r);
      await produce(
        infra.producer,
        config.topics.dds,
        orders.map((o) => ({ key: String(o.object_id), value: JSON.stringify(o), partition: o.object_id % PARTITIONS })),
      );
      await waitForStage(infra, instances[0]!, 30_000);
    }
    expect(await satelliteRepeats(infra.db.pool)).toEqual([]);
    const count = async (sql: string) => (await infra.db.pool.query<{ n: number }>(sql)).rows[0]!.n;
    expect(await count('SELECT count(*)::int AS n FROM dds.s_user_names')).toBe(ROUNDS * 5);
    expect(await count('SELECT count(*)::int AS n FROM dds.s_product_names')).toBe(ROUNDS * 4);
    expect(await count('SELECT count(*)::int AS n FROM dds.s_restaurant_names')).toBe(ROUNDS * 2);
    expect(await count('SELECT count(*)::int AS n FROM dds.s_order_status')).toBe(ROUNDS * ORDERS_PER_ROUND);
    // Both instances did part of the work.
    const batches = await Promise.all(instances.map(async (instance) => (await instance.service.app.inject({ url: '/metrics' })).body));
    for (const text of batches) expect(text).toMatch(/dwh_batch_size_count\{[^}]*\} [1-9]/);
  });
});
