// The stg service in-process, through Kafka: order events on stg_service → stg.order_events, and
// enriched orders on dds_service with names from Redis; unknown references → dead letters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EnrichedOrder, type OrderEvent, enrichedOrderContract } from '@orders-dwh/shared/contracts';
import type { Config } from '@orders-dwh/shared/config';
import { storeReference } from '../../../test/support/reference-data.ts';
import type { DeadLetter } from '@orders-dwh/shared/stage';
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
import { orderEvent, restaurant, user } from './order-fixtures.ts';
import { stgMain } from '../src/stg-main.ts';

const otherUser = { id: 'aaaaaaaaaaaaaaaaaaaaaaa2', name: 'Charles Babbage', login: 'cbabbage', update_ts: '2024-01-01T00:00:00.000Z' };
const unknownUserId = 'eeeeeeeeeeeeeeeeeeeeeee9';
const unknownRestaurantId = 'fffffffffffffffffffffff9';

const events: OrderEvent[] = [
  orderEvent(101, 'OPEN'),
  orderEvent(102, 'CLOSED', { userId: otherUser.id, itemIds: [restaurant.menu[1]!.id] }),
  orderEvent(103, 'CLOSED', { userId: unknownUserId }),
  orderEvent(101, 'COOKING'),
  orderEvent(104, 'DELIVERING', { restaurantId: unknownRestaurantId }),
  orderEvent(101, 'CLOSED'),
];
const rejectedIds = new Map([
  [103, `unknown user ${unknownUserId}`],
  [104, `unknown restaurant ${unknownRestaurantId}`],
]);

let infra: TestInfra;
let config: Config;
let stage: RunningStage;

beforeAll(async () => {
  infra = await startTestInfra();
  const { redis, prefix } = infra.redis;
  await storeReference(redis, prefix, { users: [user, otherUser], restaurants: [restaurant] });
  config = infra.config();
  stage = await startStage(stgMain, config);
  // Keyed by order id, as source sends them: all events of an order land in one partition, in order.
  await produce(
    infra.producer,
    config.topics.stg,
    events.map((e) => ({ key: String(e.object_id), value: JSON.stringify(e) })),
  );
  await waitForStage(infra, stage);
}, 30_000);

afterAll(async () => {
  await stage?.service.stop();
  await infra?.close();
}, 30_000);

describe('stg service through Kafka', () => {
  it('keeps the latest event of each known order in stg.order_events', async () => {
    const { rows } = await infra.db.pool.query<{ object_id: number; object_type: string; payload: OrderEvent['payload'] }>(
      'SELECT object_id::int, object_type, payload FROM stg.order_events ORDER BY object_id',
    );
    expect(rows.map((r) => r.object_id)).toEqual([101, 102]);
    expect(rows[0]!.payload).toEqual(orderEvent(101, 'CLOSED').payload);
    expect(rows[1]!.payload).toEqual(events[1]!.payload);
    expect(rows.every((r) => r.object_type === 'order')).toBe(true);
  });

  it('forwards one enriched order per accepted event to dds_service, with names from Redis', async () => {
    const forwarded = await readTopic(infra.kafka, config.topics.dds);
    expect(forwarded).toHaveLength(4);
    const values = forwarded.map((m) => JSON.parse(m.value!) as EnrichedOrder);
    for (const [i, value] of values.entries()) {
      expect(enrichedOrderContract(value)).toEqual({ ok: true, value });
      expect(forwarded[i]!.key).toBe(String(value.object_id));
    }
    // Events of order 101 stay in their topic order.
    expect(values.filter((v) => v.object_id === 101).map((v) => v.payload.status)).toEqual(['OPEN', 'COOKING', 'CLOSED']);

    const order102 = values.find((v) => v.object_id === 102)!;
    expect(order102.payload.user).toEqual({ id: otherUser.id, name: 'Charles Babbage', login: 'cbabbage' });
    expect(order102.payload.restaurant).toEqual({ id: restaurant.id, name: 'Analytical Kitchen' });
    expect(order102.payload.products).toEqual([{ id: restaurant.menu[1]!.id, name: 'Pelmeni', price: 450, quantity: 1, category: 'Main courses' }]);
    for (const v of values.filter((v) => v.object_id === 101)) {
      expect(v.payload.user).toEqual({ id: user.id, name: 'Ada Lovelace', login: 'ada' });
      expect(v.payload.restaurant.name).toBe('Analytical Kitchen');
    }
    expect(values.some((v) => rejectedIds.has(v.object_id))).toBe(false);
  });

  it('dead-letters an order of an unknown user or restaurant, in the table and on the topic', async () => {
    const rows = await deadLetterRows(infra);
    expect(rows.map((r) => ({ service: r.service, topic: r.topic, key: r.key, reason: r.reason })).sort((a, b) => a.key!.localeCompare(b.key!))).toEqual(
      [...rejectedIds].map(([id, reason]) => ({ service: 'stg', topic: config.topics.stg, key: String(id), reason })),
    );
    for (const row of rows) expect(JSON.parse(row.raw_value!)).toEqual(events.find((e) => String(e.object_id) === row.key));

    const letters = (await readTopic(infra.kafka, config.topics.deadLetters)).map((m) => JSON.parse(m.value!) as DeadLetter);
    expect(letters.map((l) => [l.key, l.reason]).sort()).toEqual([...rejectedIds].map(([id, reason]) => [String(id), reason]));
  });
});
