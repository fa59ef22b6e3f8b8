// Order lifecycles through stg, dds and cdm: an order arrives once per status (OPEN, COOKING,
// DELIVERING, then CLOSED or CANCELLED), in one batch or across several, with statuses repeated and
// out of order. stg keeps the latest event, dds the status history, cdm counts each order once
// when it is CLOSED and never when CANCELLED; replaying everything changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithGroundTruth } from '../../services/cdm/src/ground-truth.ts';
import type { OrderEvent } from '@orders-dwh/shared/contracts';
import { startStage, startTestInfra, type RunningStage, type TestInfra } from '../support/service-harness.ts';
import { waitForDrain } from '../support/drain.ts';
import { lifecycle, users, writeReference } from './support/order-fixtures.ts';
import { STAGES } from './support/pipeline-under-test.ts';
import { cdmMain, ddsMain, stgMain } from './support/stage-mains.ts';

let infra: TestInfra;
const stages: RunningStage[] = [];
const sent: OrderEvent[] = [];

async function send(...events: OrderEvent[]): Promise<void> {
  sent.push(...events);
  await infra.producer.send({ topic: 'stg_service', acks: -1, messages: events.map((e) => ({ key: String(e.object_id), value: JSON.stringify(e) })) });
  await waitForDrain(infra.admin, STAGES, 30_000);
}

const FULL = ['OPEN', 'COOKING', 'DELIVERING', 'CLOSED'] as const;
const across = lifecycle(10, [...FULL], { user: users.ada, itemIndexes: [0, 1] });
const oneBatchWithRepeats = lifecycle(11, [...FULL], { user: users.ada, itemIndexes: [0, 2] });
const outOfOrder = lifecycle(12, [...FULL], { user: users.grace, itemIndexes: [0, 3] });
const outOfOrderAcross = lifecycle(13, [...FULL], { user: users.grace, itemIndexes: [1] });
const cancelled = lifecycle(14, ['OPEN', 'COOKING', 'CANCELLED'], { user: users.alan, itemIndexes: [0, 1, 2] });
const cancelledFirst = lifecycle(15, ['OPEN', 'CANCELLED'], { user: users.alan, itemIndexes: [3] });
// COOKING sent again ten minutes later, with its new time.
const cooking = lifecycle(16, ['OPEN', 'COOKING', 'COOKING', 'DELIVERING', 'CLOSED'], { user: users.alan, itemIndexes: [2] });
const cookingAgain = cooking.map((e) => ({
  ...e,
  payload: { ...e.payload, statuses: e.payload.statuses.filter((s, i) => !(i === 2 && s.status === 'COOKING')) },
}));

async function statusHistory(): Promise<Record<string, string>> {
  const { rows } = await infra.db.pool.query<{ id: string; history: string[] }>(
    `SELECT o.order_id::text AS id, array_agg(s.status ORDER BY s.load_dt) AS history FROM dds.h_order o JOIN dds.s_order_status s USING (h_order_pk) GROUP BY 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.id, r.history.join('>')]));
}

async function latestInStg(): Promise<Record<string, string>> {
  const { rows } = await infra.db.pool.query<{ id: string; status: string; update_ts: Date }>(
    `SELECT object_id::text AS id, payload->>'final_status' AS status, update_ts FROM stg.order_events`,
  );
  return Object.fromEntries(rows.map((r) => [r.id, `${r.status} ${r.update_ts.toISOString()}`]));
}

async function counters(): Promise<{ products: Record<string, number>; categories: Record<string, number>; counted: number }> {
  const products = await infra.db.pool.query<{ key: string; n: number }>(
    `SELECT u.user_id || ' ' || c.product_name AS key, c.order_cnt AS n FROM cdm.user_product_counters c JOIN dds.h_user u ON u.h_user_pk = c.user_id`,
  );
  const categories = await infra.db.pool.query<{ key: string; n: number }>(
    `SELECT u.user_id || ' ' || c.category_name AS key, c.order_cnt AS n FROM cdm.user_category_counters c JOIN dds.h_user u ON u.h_user_pk = c.user_id`,
  );
  const counted = await infra.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cdm.counted_orders');
  return {
    products: Object.fromEntries(products.rows.map((r) => [r.key, r.n])),
    categories: Object.fromEntries(categories.rows.map((r) => [r.key, r.n])),
    counted: counted.rows[0]!.n,
  };
}

const at = (events: OrderEvent[], status: string) => `${status} ${events.findLast((e) => e.payload.final_status === status)!.payload.update_ts}`;

beforeAll(async () => {
  infra = await startTestInfra();
  await writeReference(infra.redis.redis, infra.redis.prefix, Object.values(users));
  for (const main of [stgMain, ddsMain, cdmMain]) stages.push(await startStage(main as never, infra.config()));

  for (const event of across) await send(event);
  const [o, c, d, x] = oneBatchWithRepeats;
  await send(o!, c!, c!, d!, x!, x!);
  const [o2, c2, d2, x2] = outOfOrder;
  await send(x2!, d2!, o2!, c2!);
  const [o3, c3, d3, x3] = outOfOrderAcross;
  await send(x3!);
  await send(o3!, c3!);
  await send(d3!);
  await send(...cancelled);
  await send(cancelledFirst[1]!);
  await send(cancelledFirst[0]!);
  await send(...cookingAgain);
}, 120_000);

afterAll(async () => {
  await Promise.all(stages.map((s) => s.service.stop()));
  await infra?.close();
}, 60_000);

describe('order lifecycles', () => {
  it('stg keeps the latest event of each order, whatever the delivery order', async () => {
    expect(await latestInStg()).toEqual({
      10: at(across, 'CLOSED'),
      11: at(oneBatchWithRepeats, 'CLOSED'),
      12: at(outOfOrder, 'CLOSED'),
      13: at(outOfOrderAcross, 'CLOSED'),
      14: at(cancelled, 'CANCELLED'),
      15: at(cancelledFirst, 'CANCELLED'),
      16: at(cookingAgain, 'CLOSED'),
    });
  });

  it('dds keeps each status reached once, in time order, also when it arrived late or twice', async () => {
    expect(await statusHistory()).toEqual({
      10: 'OPEN>COOKING>DELIVERING>CLOSED',
      11: 'OPEN>COOKING>DELIVERING>CLOSED',
      12: 'OPEN>COOKING>DELIVERING>CLOSED',
      13: 'OPEN>COOKING>DELIVERING>CLOSED',
      14: 'OPEN>COOKING>CANCELLED',
      15: 'OPEN>CANCELLED',
      // The repeated COOKING changes nothing: the status did not change.
      16: 'OPEN>COOKING>DELIVERING>CLOSED',
    });
  });

  it('cdm counts each CLOSED order once and no CANCELLED one', async () => {
    const { ada, grace, alan } = users;
    expect(await counters()).toEqual({
      // ada: #10 Borscht + Pelmeni, #11 Borscht + Kompot
      // grace: #12 Borscht + Solyanka (two soups: one order in Soups), #13 Pelmeni
      // alan: #14 and #15 cancelled, #16 Kompot
      products: {
        [`${ada.id} Borscht`]: 2,
        [`${ada.id} Pelmeni`]: 1,
        [`${ada.id} Kompot`]: 1,
        [`${grace.id} Borscht`]: 1,
        [`${grace.id} Solyanka`]: 1,
        [`${grace.id} Pelmeni`]: 1,
        [`${alan.id} Kompot`]: 1,
      },
      categories: {
        [`${ada.id} Soups`]: 2,
        [`${ada.id} Main courses`]: 1,
        [`${ada.id} Drinks`]: 1,
        [`${grace.id} Soups`]: 1,
        [`${grace.id} Main courses`]: 1,
        [`${alan.id} Drinks`]: 1,
      },
      counted: 5,
    });
    expect(await compareWithGroundTruth(infra.db.pool)).toEqual([]);
  });

  it('replaying every event again, newest first, changes nothing', async () => {
    const before = { stg: await latestInStg(), dds: await statusHistory(), cdm: await counters() };
    await send(...[...sent].reverse());
    expect({ stg: await latestInStg(), dds: await statusHistory(), cdm: await counters() }).toEqual(before);
  });
});
