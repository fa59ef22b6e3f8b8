import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EnrichedOrder, type OrderEvent, enrichedOrderContract } from '@orders-dwh/shared/contracts';
import { isRejection, type OutgoingMessage, type Rejection } from '@orders-dwh/shared/stage';
import { createOrderGenerator } from '../../source/src/order-generator.ts';
import { seededRandom } from '../../source/src/random.ts';
import { referenceKeys } from '@orders-dwh/shared/reference';
import { ensureReferenceData, readRestaurants, readUsers } from '../../source/src/reference-store.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { createTestRedis } from '../../../test/support/redis.ts';
import { createStgStage, type StgReady, type StgStageOptions } from '../src/stg-stage.ts';
import { orderEvent, restaurant, user } from './order-fixtures.ts';
import { runBatch } from '../../../test/support/run-batch.ts';

const testRedis = createTestRedis();
const { redis, prefix } = testRedis;
let database: TestDatabase;

/** Real Redis, with a count of the MGETs sent through it. */
const countingRedis = {
  mgets: 0,
  mget(keys: string[]) {
    this.mgets++;
    return redis.mget(keys);
  },
  exists: (...keys: string[]) => redis.exists(...keys),
};

beforeAll(async () => {
  database = await createTestDatabase();
  await ensureReferenceData(redis, { prefix, users: 40, restaurants: 5, seed: 3, reload: false });
  await redis.set(referenceKeys.user(prefix, user.id), JSON.stringify(user));
  await redis.set(referenceKeys.restaurant(prefix, restaurant.id), JSON.stringify(restaurant));
});
beforeEach(async () => {
  await database.pool.query('TRUNCATE stg.order_events');
  countingRedis.mgets = 0;
});
afterAll(async () => {
  await testRedis.cleanup();
  await database?.drop();
});

function stage(options: Partial<StgStageOptions> = {}) {
  return createStgStage({ redis: countingRedis, keyPrefix: prefix, cacheSize: 1000, ...options });
}

/** Runs `write` inside a transaction, as the stage runner does. */
function write(stg: ReturnType<typeof stage>, items: StgReady[], loadDt = new Date()): Promise<OutgoingMessage[]> {
  return runBatch(database.pool, stg, items, loadDt);
}

async function prepareAll(stg: ReturnType<typeof stage>, events: OrderEvent[]): Promise<StgReady[]> {
  const prepared = await stg.prepare!(events);
  const rejected = prepared.filter(isRejection);
  expect(rejected).toEqual([]);
  return prepared as StgReady[];
}

async function tableRows() {
  const { rows } = await database.pool.query(
    `SELECT object_id::int, object_type, sent_dttm, update_ts, payload, load_dt FROM stg.order_events ORDER BY object_id`,
  );
  return rows as Array<{ object_id: number; payload: OrderEvent['payload']; update_ts: Date; load_dt: Date }>;
}

describe('stg stage', () => {
  it('enriches generated orders from Redis, stores one row per order and forwards one message per event', async () => {
    const [users, restaurants] = [await readUsers(redis, prefix), await readRestaurants(redis, prefix)];
    const generate = createOrderGenerator({ random: seededRandom(9), reference: { userIds: users.map((u) => u.id), restaurants } });
    const events = Array.from({ length: 300 }, (_, i) => generate(i + 1));
    const stg = stage();

    const ready = await prepareAll(stg, events);
    const out = await write(stg, ready);

    expect(out.map((m) => m.key)).toEqual(events.map((e) => String(e.object_id)));
    const usersById = new Map(users.map((u) => [u.id, u]));
    const restaurantsById = new Map(restaurants.map((r) => [r.id, r]));
    for (const [i, message] of out.entries()) {
      const enriched = message.value as EnrichedOrder;
      expect(enrichedOrderContract(enriched).ok).toBe(true);
      const event = events[i];
      const expectedUser = usersById.get(event.payload.user.id)!;
      expect(enriched.payload.user).toEqual({ id: expectedUser.id, name: expectedUser.name, login: expectedUser.login });
      expect(enriched.payload.restaurant.name).toBe(restaurantsById.get(event.payload.restaurant.id)!.name);
      expect(enriched.payload.products.map((p) => p.id)).toEqual(event.payload.order_items.map((item) => item.id));
    }
    const rows = await tableRows();
    expect(rows).toHaveLength(300);
    expect(rows[41].payload).toEqual(events[41].payload);
    expect(rows[41].update_ts.toISOString()).toBe(events[41].payload.update_ts);
  });

  it('looks the whole batch up with one MGET, then serves repeats from the cache until the TTL', async () => {
    let now = 0;
    const stg = stage({ cacheTtlMs: 60_000, now: () => now });
    const events = Array.from({ length: 50 }, (_, i) => orderEvent(i + 1));
    await prepareAll(stg, events);
    expect(countingRedis.mgets).toBe(1);

    await prepareAll(stg, events);
    expect(countingRedis.mgets).toBe(1);

    now += 60_000;
    await prepareAll(stg, events);
    expect(countingRedis.mgets).toBe(2);
  });

  it('still sends one MGET per batch when the batch has more ids than the cache holds', async () => {
    const [users, restaurants] = [await readUsers(redis, prefix), await readRestaurants(redis, prefix)];
    const generate = createOrderGenerator({ random: seededRandom(4), reference: { userIds: users.map((u) => u.id), restaurants } });
    const stg = stage({ cacheSize: 3 });
    for (let batch = 0; batch < 3; batch++) {
      await prepareAll(
        stg,
        Array.from({ length: 200 }, (_, i) => generate(batch * 200 + i + 1)),
      );
    }
    expect(countingRedis.mgets).toBe(3);
  });

  it('picks up a changed user name once the cached record expires', async () => {
    let now = 0;
    const stg = stage({ cacheTtlMs: 60_000, now: () => now });
    const renamedId = 'aaaaaaaaaaaaaaaaaaaaaaa9';
    await redis.set(referenceKeys.user(prefix, renamedId), JSON.stringify({ ...user, id: renamedId, name: 'Old Name' }));
    const event = orderEvent(1, 'OPEN', { userId: renamedId });
    const nameNow = async () => (await prepareAll(stg, [event]))[0].enriched.payload.user.name;

    expect(await nameNow()).toBe('Old Name');
    await redis.set(referenceKeys.user(prefix, renamedId), JSON.stringify({ ...user, id: renamedId, name: 'New Name' }));
    now += 30_000;
    expect(await nameNow()).toBe('Old Name');
    now += 30_000;
    expect(await nameNow()).toBe('New Name');
  });

  it('rejects unknown users and restaurants, malformed records and foreign menu items, naming the id', async () => {
    const unknownUser = 'eeeeeeeeeeeeeeeeeeeeeee1';
    const unknownRestaurant = 'eeeeeeeeeeeeeeeeeeeeeee2';
    const brokenUser = 'eeeeeeeeeeeeeeeeeeeeeee3';
    const foreignItem = 'eeeeeeeeeeeeeeeeeeeeeee4';
    await redis.set(referenceKeys.user(prefix, brokenUser), '{"id": "not json');
    const events = [
      orderEvent(1),
      orderEvent(2, 'CLOSED', { userId: unknownUser }),
      orderEvent(3, 'CLOSED', { restaurantId: unknownRestaurant }),
      orderEvent(4, 'CLOSED', { userId: brokenUser }),
      orderEvent(5, 'CLOSED', { itemIds: [restaurant.menu[0].id, foreignItem] }),
      orderEvent(6),
      // A real product under another category: loaded, it would give the product a second one.
      {
        ...orderEvent(7),
        payload: {
          ...orderEvent(7).payload,
          order_items: orderEvent(7).payload.order_items.map((item, i) => (i === 0 ? { ...item, category: 'Desserts' } : item)),
        },
      },
      // CLOSED in its history but OPEN now: dds would file the CLOSED and the counters would count it.
      { ...orderEvent(8), payload: { ...orderEvent(8).payload, final_status: 'OPEN' as const } },
    ];
    const prepared = await stage().prepare!(events);
    expect(countingRedis.mgets).toBe(1);
    expect(prepared.map((p) => (isRejection(p) ? 'rejected' : (p as StgReady).event.object_id))).toEqual([
      1,
      'rejected',
      'rejected',
      'rejected',
      'rejected',
      6,
      'rejected',
      'rejected',
    ]);
    const reasons = prepared.filter(isRejection).map((r: Rejection) => r.rejected);
    expect(reasons[0]).toBe(`unknown user ${unknownUser}`);
    expect(reasons[1]).toBe(`unknown restaurant ${unknownRestaurant}`);
    expect(reasons[2]).toContain(brokenUser);
    expect(reasons[2]).toContain('malformed');
    expect(reasons[3]).toBe(`order does not match the menu of restaurant ${restaurant.id}: item ${foreignItem} is not on the menu`);
    expect(reasons[4]).toBe(
      `order does not match the menu of restaurant ${restaurant.id}: item ${restaurant.menu[0].id} has category "Desserts" where the menu says "${restaurant.menu[0].category}"`,
    );
    expect(reasons[5]).toBe('order status history is inconsistent: the last status is CLOSED, final_status is OPEN');
  });

  it('keeps an order placed before a menu price change at the price it paid; refuses a cost its items do not add up to', async () => {
    const repriced = 'aaaaaaaaaaaaaaaaaaaaaab7';
    const newMenu = restaurant.menu.map((item, i) => (i === 0 ? { ...item, price: item.price + 100 } : item));
    await redis.set(referenceKeys.restaurant(prefix, repriced), JSON.stringify({ ...restaurant, id: repriced, menu: newMenu }));
    const placedBefore = orderEvent(11, 'CLOSED', { restaurantId: repriced });
    const placedAfter = {
      ...placedBefore,
      object_id: 12,
      payload: {
        ...placedBefore.payload,
        order_items: placedBefore.payload.order_items.map((item, i) => (i === 0 ? { ...item, price: newMenu[0]!.price } : item)),
        cost: placedBefore.payload.cost + 100 * placedBefore.payload.order_items[0]!.quantity,
      },
    };
    const miscounted = { ...placedBefore, object_id: 13, payload: { ...placedBefore.payload, cost: placedBefore.payload.cost + 1 } };

    const prepared = await stage().prepare!([placedBefore, placedAfter, miscounted]);
    expect((prepared[2] as Rejection).rejected).toBe(
      `order cost does not add up: cost ${placedBefore.payload.cost + 1} is not the sum of its items' price × quantity (${placedBefore.payload.cost})`,
    );
    const [before, after] = prepared.slice(0, 2) as StgReady[];
    expect(before!.enriched.payload.products[0]!.price).toBe(restaurant.menu[0].price);
    expect(after!.enriched.payload.products[0]!.price).toBe(restaurant.menu[0].price + 100);
    await write(stage(), [before!, after!]);
    const { rows } = await database.pool.query<{ object_id: number; price: number }>(
      `SELECT object_id::int, (payload->'order_items'->0->>'price')::int AS price FROM stg.order_events ORDER BY object_id`,
    );
    expect(rows).toEqual([
      { object_id: 11, price: restaurant.menu[0].price },
      { object_id: 12, price: restaurant.menu[0].price + 100 },
    ]);
  });

  it('accepts items missing from the menu when strictMenu is off', async () => {
    const event = orderEvent(5, 'CLOSED', { itemIds: ['eeeeeeeeeeeeeeeeeeeeeee4'] });
    const [result] = await stage({ strictMenu: false }).prepare!([event]);
    expect(isRejection(result)).toBe(false);
  });

  it('changes nothing when a batch is replayed', async () => {
    const stg = stage();
    const events = [orderEvent(1, 'OPEN'), orderEvent(2, 'CLOSED'), orderEvent(3, 'COOKING')];
    const ready = await prepareAll(stg, events);
    await write(stg, ready, new Date('2025-03-02T00:00:00Z'));
    const before = await tableRows();

    const replayed = await write(stg, ready, new Date('2025-03-03T00:00:00Z'));
    expect(await tableRows()).toEqual(before);
    expect(replayed).toHaveLength(3);
  });

  it('never lets an older event overwrite a newer one, while a newer one replaces the row', async () => {
    const stg = stage();
    const [open, cooking, closed] = await prepareAll(stg, [orderEvent(1, 'OPEN'), orderEvent(1, 'COOKING'), orderEvent(1, 'CLOSED')]);

    await write(stg, [cooking], new Date('2025-03-02T00:00:00Z'));
    await write(stg, [open], new Date('2025-03-03T00:00:00Z'));
    let [row] = await tableRows();
    expect(row.payload.final_status).toBe('COOKING');
    expect(row.load_dt.toISOString()).toBe('2025-03-02T00:00:00.000Z');

    await write(stg, [closed], new Date('2025-03-04T00:00:00Z'));
    [row] = await tableRows();
    expect(row.payload.final_status).toBe('CLOSED');
    expect(row.update_ts.toISOString()).toBe(closed.event.payload.update_ts);
    expect(row.load_dt.toISOString()).toBe('2025-03-04T00:00:00.000Z');
  });

  it("refuses an event that changes its order's user, restaurant, date or items, stored or earlier in the batch", async () => {
    const stg = stage();
    const [second] = restaurant.menu.slice(1);
    const otherUser = { ...user, id: 'aaaaaaaaaaaaaaaaaaaaaaa9', name: 'Grace', login: 'grace' };
    const otherKitchen = { ...restaurant, id: 'bbbbbbbbbbbbbbbbbbbbbbb9' };
    await redis.set(referenceKeys.user(prefix, otherUser.id), JSON.stringify(otherUser));
    await redis.set(referenceKeys.restaurant(prefix, otherKitchen.id), JSON.stringify(otherKitchen));
    await write(stg, await prepareAll(stg, [orderEvent(1, 'OPEN'), orderEvent(2, 'OPEN')]), new Date('2025-03-02T00:00:00Z'));

    const requantified = orderEvent(1, 'CLOSED');
    requantified.payload.order_items[0]!.quantity += 1;
    requantified.payload.cost += requantified.payload.order_items[0]!.price;
    const events = [
      orderEvent(1, 'COOKING', { userId: otherUser.id }),
      orderEvent(1, 'COOKING', { restaurantId: otherKitchen.id }),
      orderEvent(1, 'COOKING', { start: '2025-03-01T10:00:01.000Z' }),
      orderEvent(1, 'CLOSED', { itemIds: [second!.id] }),
      requantified,
      orderEvent(1, 'DELIVERING'),
      // A new order takes the identity of its first event; its second event may not change it.
      orderEvent(3, 'OPEN'),
      orderEvent(3, 'CLOSED', { itemIds: [second!.id] }),
      orderEvent(3, 'CLOSED'),
    ];
    const rejected: Array<{ item: StgReady; reason: string }> = [];
    const out = await runBatch(database.pool, stg, await prepareAll(stg, events), new Date('2025-03-03T00:00:00Z'), rejected);

    expect(out.map((m) => [m.key, (m.value as EnrichedOrder).payload.status])).toEqual([
      ['1', 'DELIVERING'],
      ['3', 'OPEN'],
      ['3', 'CLOSED'],
    ]);
    const line = (id: string, quantity: number, price: number) => `${id} ×${quantity} at ${price}`;
    const [first, third] = [restaurant.menu[0], restaurant.menu[2]];
    const stored = `[${line(first.id, 1, first.price)}, ${line(third.id, 2, third.price)}]`;
    expect(
      rejected.map((r) => [r.item.event.object_id, r.reason.replace(/^order \d+ cannot change its user, restaurant, date or items once stored: /, '')]),
    ).toEqual([
      [1, `user ${user.id} → ${otherUser.id}`],
      [1, `restaurant ${restaurant.id} → ${otherKitchen.id}`],
      [1, 'date 2025-03-01T10:00:00.000Z → 2025-03-01T10:00:01.000Z'],
      [1, `items ${stored} → [${line(second!.id, 1, second!.price)}]`],
      [1, `items ${stored} → [${line(first.id, 2, first.price)}, ${line(third.id, 2, third.price)}]`],
      [3, `items ${stored} → [${line(second!.id, 1, second!.price)}]`],
    ]);
    expect((await tableRows()).map((r) => [r.object_id, r.payload.final_status, r.payload.user.id])).toEqual([
      [1, 'DELIVERING', user.id],
      [2, 'OPEN', user.id],
      [3, 'CLOSED', user.id],
    ]);
  });

  it('writes a batch again when another one stored one of its new orders meanwhile (events of an order in two partitions)', async () => {
    const stg = stage();
    const [open] = await prepareAll(stg, [orderEvent(50, 'OPEN')]);
    const [changed] = await prepareAll(stg, [orderEvent(50, 'CLOSED', { itemIds: [restaurant.menu[1].id] })]);
    const first = await database.pool.connect();
    const second = await database.pool.connect();
    const ctx = () => ({ loadDt: new Date(), reject: () => {} });
    try {
      await first.query('BEGIN');
      await stg.write(first, [open!], ctx());
      await second.query('BEGIN');
      // Checked before the first commits: order 50 looks new to it, and its insert waits for the first.
      const racing = stg.write(second, [changed!], ctx());
      await new Promise((resolve) => setTimeout(resolve, 200));
      await first.query('COMMIT');
      await expect(racing).rejects.toThrow(/^order 50 stored by another batch while this one was written .*: written again$/);
      await second.query('ROLLBACK');
    } finally {
      first.release();
      second.release();
    }
    // Written again, the batch sees the stored order and refuses the change.
    const rejected: Array<{ item: StgReady; reason: string }> = [];
    expect(await runBatch(database.pool, stg, [changed!], new Date(), rejected)).toEqual([]);
    expect(rejected.map((r) => r.reason)).toEqual([expect.stringMatching(/^order 50 cannot change its user, restaurant, date or items once stored: items /)]);
    expect((await tableRows()).map((r) => [r.object_id, r.payload.final_status])).toEqual([[50, 'OPEN']]);
  });

  it('handles several events and duplicates of one order in a batch, forwarding every event', async () => {
    const stg = stage();
    const events = [orderEvent(7, 'OPEN'), orderEvent(8, 'CLOSED'), orderEvent(7, 'CLOSED'), orderEvent(7, 'COOKING'), orderEvent(8, 'CLOSED')];
    const out = await write(stg, await prepareAll(stg, events));
    expect(out.map((m) => [m.key, (m.value as EnrichedOrder).payload.status])).toEqual([
      ['7', 'OPEN'],
      ['8', 'CLOSED'],
      ['7', 'CLOSED'],
      ['7', 'COOKING'],
      ['8', 'CLOSED'],
    ]);
    const rows = await tableRows();
    expect(rows.map((r) => [r.object_id, r.payload.final_status])).toEqual([
      [7, 'CLOSED'],
      [8, 'CLOSED'],
    ]);
  });
});
