// The two poisons issue 10 reported, through stg → dds → cdm in-process with the development
// broker: an order whose update_ts is a leap second (Postgres takes it, JavaScript does not: it used
// to pass stg and hold dds forever) and one with a NUL in a string (Postgres text and jsonb refuse
// it: it used to hold stg forever). Each becomes one dead letter at stg; the orders around them, in
// the same partition, are counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithGroundTruth } from '../../services/cdm/src/ground-truth.ts';
import type { OrderEvent } from '@orders-dwh/shared/contracts';
import { deadLetterRows, produce, type TestInfra } from '../support/service-harness.ts';
import { orderEvent } from '../../services/stg/test/order-fixtures.ts';
import { startInProcessPipeline, type InProcessPipeline } from './support/in-process-pipeline.ts';

const leapSecond: OrderEvent = (() => {
  const event = orderEvent(2);
  return { ...event, payload: { ...event.payload, update_ts: '2016-12-31T23:59:60Z' } };
})();
const nulInName: OrderEvent = (() => {
  const event = orderEvent(3);
  return { ...event, payload: { ...event.payload, order_items: event.payload.order_items.map((item) => ({ ...item, name: `${item.name}\u0000` })) } };
})();
const stream = [orderEvent(1), leapSecond, orderEvent(4), nulInName, orderEvent(5)];

let pipeline: InProcessPipeline;
let infra: TestInfra;

beforeAll(async () => {
  pipeline = await startInProcessPipeline();
  infra = pipeline.infra;
  // One partition: the poisons sit between good orders of the same partition.
  await produce(
    infra.producer,
    pipeline.config.topics.stg,
    stream.map((event) => ({ key: String(event.object_id), value: JSON.stringify(event), partition: 0 })),
  );
  await pipeline.drain(30_000);
}, 60_000);

afterAll(async () => {
  await pipeline?.stop();
}, 30_000);

describe('the reported poisons', () => {
  it('become one stg dead letter each, with the reason', async () => {
    const letters = await deadLetterRows(infra);
    expect(letters.map((l) => [l.service, l.key, l.reason])).toEqual([
      ['stg', '2', 'contract: /payload/update_ts must match format "timestamp"'],
      ['stg', '3', 'contract: /payload/order_items/0/name must be 1 to 200 characters, none of them NUL or a lone surrogate'],
    ]);
  });

  it('hold nothing: the orders around them are counted exactly', async () => {
    const { rows } = await infra.db.pool.query<{ order_id: number }>('SELECT order_id::int FROM dds.h_order ORDER BY 1');
    expect(rows.map((r) => r.order_id)).toEqual([1, 4, 5]);
    const { rows: counted } = await infra.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cdm.counted_orders');
    expect(counted[0]!.n).toBe(3);
    expect(await compareWithGroundTruth(infra.db.pool)).toEqual([]);
  });
});
