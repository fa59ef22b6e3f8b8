// Later events of an order that change what the order is (its items, user, restaurant or date),
// through stg → dds → cdm in-process with the development broker. The vault links an order to its
// user and products for good and cdm counts what the CLOSED event says, so such an event used to
// leave the counters off the truth for good (the order's old and new products both linked, one set
// counted). Each becomes one stg dead letter naming the change; the counters stay exact. So does an
// order that would put a product in a second category (a second restaurant lists it under another):
// the truth over the vault joins every category link of a product.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithGroundTruth } from '../../services/cdm/src/ground-truth.ts';
import { formatReconcileReport, reconcile } from '../../services/cdm/src/reconcile.ts';
import type { OrderEvent } from '@orders-dwh/shared/contracts';
import { deadLetterRows, produce } from '../support/service-harness.ts';
import { orderEvent, restaurant, user } from '../../services/stg/test/order-fixtures.ts';
import { storeReference } from '../support/reference-data.ts';
import { startInProcessPipeline, type InProcessPipeline } from './support/in-process-pipeline.ts';

const otherUser = { ...user, id: 'aaaaaaaaaaaaaaaaaaaaaaa2', name: 'Bob', login: 'bob' };
const [borscht, pelmeni, kompot] = restaurant.menu;
const dessertBar = {
  ...restaurant,
  id: 'bbbbbbbbbbbbbbbbbbbbbbb2',
  menu: restaurant.menu.map((m) => (m.id === kompot.id ? { ...m, category: 'Desserts' as const } : m)),
};
let pipeline: InProcessPipeline;

async function send(events: OrderEvent[]): Promise<void> {
  await produce(
    pipeline.infra.producer,
    pipeline.config.topics.stg,
    events.map((e) => ({ key: String(e.object_id), value: JSON.stringify(e) })),
  );
  await pipeline.drain(30_000);
}

beforeAll(async () => {
  pipeline = await startInProcessPipeline();
  await storeReference(pipeline.infra.redis.redis, pipeline.infra.redis.prefix, { users: [user, otherUser], restaurants: [restaurant, dessertBar] });
  // Stored first, in batches of their own; then the changes, and orders whose change comes in one batch.
  await send([orderEvent(1, 'OPEN', { itemIds: [borscht.id, kompot.id] }), orderEvent(2, 'OPEN'), orderEvent(3, 'COOKING')]);
  await send([
    orderEvent(1, 'CLOSED', { itemIds: [pelmeni.id] }),
    orderEvent(2, 'CLOSED', { userId: otherUser.id }),
    orderEvent(3, 'CLOSED', { start: '2025-03-02T10:00:00.000Z' }),
    orderEvent(4, 'OPEN', { itemIds: [pelmeni.id] }),
    orderEvent(4, 'CLOSED', { itemIds: [pelmeni.id, kompot.id] }),
    orderEvent(5, 'CLOSED', { itemIds: [kompot.id] }),
  ]);
  await send([orderEvent(2, 'CLOSED'), orderEvent(4, 'CLOSED', { itemIds: [pelmeni.id] })]);
  const kompotAsDessert = orderEvent(6, 'CLOSED', { restaurantId: dessertBar.id, itemIds: [borscht.id] });
  kompotAsDessert.payload.order_items.push({ ...kompot, category: 'Desserts', quantity: 1 });
  kompotAsDessert.payload.cost += kompot.price;
  await send([kompotAsDessert, orderEvent(7, 'CLOSED', { restaurantId: dessertBar.id, itemIds: [pelmeni.id] })]);
}, 90_000);

afterAll(async () => {
  await pipeline?.stop();
}, 30_000);

describe('an event that changes what its order is', () => {
  it('becomes one stg dead letter naming the change', async () => {
    const letters = await deadLetterRows(pipeline.infra);
    const changes = letters.map((l) => [l.service, l.key, l.reason.replace(/^order \d+ cannot change its user, restaurant, date or items once stored: /, '')]);
    expect(changes.sort((a, b) => a[1]!.localeCompare(b[1]!))).toEqual([
      ['stg', '1', `items [${borscht.id} ×1 at ${borscht.price}, ${kompot.id} ×2 at ${kompot.price}] → [${pelmeni.id} ×1 at ${pelmeni.price}]`],
      ['stg', '2', `user ${user.id} → ${otherUser.id}`],
      ['stg', '3', 'date 2025-03-01T10:00:00.000Z → 2025-03-02T10:00:00.000Z'],
      ['stg', '4', `items [${pelmeni.id} ×1 at ${pelmeni.price}] → [${pelmeni.id} ×1 at ${pelmeni.price}, ${kompot.id} ×2 at ${kompot.price}]`],
      ['dds', '6', `a product keeps the category it was first loaded with: product ${kompot.id} is in "Drinks", not "Desserts"`],
    ]);
  });

  it('leaves the vault as the order is and counts only the events that agree with it', async () => {
    const pool = pipeline.infra.db.pool;
    const { rows: links } = await pool.query<{ order_id: string; user_id: string; products: number }>(
      `SELECT o.order_id, u.user_id, (SELECT count(*)::int FROM dds.l_order_product op WHERE op.h_order_pk = o.h_order_pk) AS products
         FROM dds.h_order o JOIN dds.l_order_user ou ON ou.h_order_pk = o.h_order_pk JOIN dds.h_user u ON u.h_user_pk = ou.h_user_pk
        ORDER BY 1`,
    );
    expect(links).toEqual([
      { order_id: '1', user_id: user.id, products: 2 },
      { order_id: '2', user_id: user.id, products: 2 },
      { order_id: '3', user_id: user.id, products: 2 },
      { order_id: '4', user_id: user.id, products: 1 },
      { order_id: '5', user_id: user.id, products: 1 },
      { order_id: '7', user_id: user.id, products: 1 },
    ]);
    const { rows: counted } = await pool.query<{ order_id: string }>(
      'SELECT o.order_id FROM cdm.counted_orders c JOIN dds.h_order o ON o.h_order_pk = c.order_id ORDER BY 1',
    );
    expect(counted.map((r) => r.order_id)).toEqual(['2', '4', '5', '7']);
    expect(await compareWithGroundTruth(pool)).toEqual([]);
  });

  it('shows in npm run reconcile as the order dds refused, beside the pending dead letters', async () => {
    const report = await reconcile(pipeline.infra.db.pool);
    expect(report.missingFromDds).toEqual(['6']);
    expect(report.differences).toEqual({ missingFromDds: 1, missingFromStg: 0, statusDiffers: 0, closedNotCounted: 0, countedNotClosed: 0, counters: 0 });
    expect(report.pendingDeadLetters).toEqual({ dds: 1, stg: 4 });
    expect(formatReconcileReport(report)).toContain(
      'dead letters pending: dds 1, stg 4 (an order a layer refused is missing from it; npm run redrive once the cause is fixed)\nresult: 1 difference',
    );
  });
});
