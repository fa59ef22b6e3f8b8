import { afterAll, describe, expect, it } from 'vitest';
import { createTestRedis } from '../../../test/support/redis.ts';
import { generateReferenceData } from '../src/reference-data.ts';
import { referenceKeys } from '@orders-dwh/shared/reference';
import { ensureReferenceData, readRestaurants, readUserIds, readUsers } from '../src/reference-store.ts';

const { redis, prefix: base, cleanup } = createTestRedis();
afterAll(cleanup);

let n = 0;
/** A fresh namespace under the test prefix for each case. */
const nextPrefix = () => `${base}${++n}:`;

const sizes = { users: 30, restaurants: 4, seed: 42 };
const byId = <T extends { id: string }>(items: T[]) => [...items].sort((a, b) => a.id.localeCompare(b.id));

describe('ensureReferenceData', () => {
  it('loads users, restaurants with menus and the id sets under the prefix', async () => {
    const prefix = nextPrefix();
    const result = await ensureReferenceData(redis, { prefix, ...sizes, reload: false });
    expect(result).toEqual({ loaded: true, users: 30, restaurants: 4 });

    const expected = generateReferenceData(sizes);
    expect(await redis.scard(referenceKeys.userIds(prefix))).toBe(30);
    expect(await redis.scard(referenceKeys.restaurantIds(prefix))).toBe(4);
    const someUser = expected.users[7];
    expect(JSON.parse((await redis.get(`${prefix}user:${someUser.id}`))!)).toEqual(someUser);
    expect(await readUsers(redis, prefix)).toEqual(byId(expected.users));
    expect(await readRestaurants(redis, prefix)).toEqual(byId(expected.restaurants));
    expect(await readUserIds(redis, prefix)).toEqual(expected.users.map((u) => u.id).sort());
  });

  it('leaves existing data alone on a second start, even with another seed', async () => {
    const prefix = nextPrefix();
    await ensureReferenceData(redis, { prefix, ...sizes, reload: false });
    const before = await readRestaurants(redis, prefix);

    const again = await ensureReferenceData(redis, { prefix, ...sizes, seed: 7, users: 5, reload: false });
    expect(again).toEqual({ loaded: false, reason: 'already-present' });
    expect(await readRestaurants(redis, prefix)).toEqual(before);
    expect(await redis.scard(referenceKeys.userIds(prefix))).toBe(30);
  });

  it('replaces the data, removing the old keys, when reload is asked', async () => {
    const prefix = nextPrefix();
    await ensureReferenceData(redis, { prefix, ...sizes, reload: false });
    const oldIds = await readUserIds(redis, prefix);

    const result = await ensureReferenceData(redis, { prefix, users: 5, restaurants: 2, seed: 7, reload: true });
    expect(result).toEqual({ loaded: true, users: 5, restaurants: 2 });
    const expected = generateReferenceData({ users: 5, restaurants: 2, seed: 7 });
    expect(await readUsers(redis, prefix)).toEqual(byId(expected.users));
    expect(await redis.exists(...oldIds.map((id) => referenceKeys.user(prefix, id)))).toBe(0);
    const [, keys] = await redis.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 10_000);
    expect(keys).toHaveLength(5 + 2 + 2);
  });

  it('loads only once when several sources start at the same time', async () => {
    const prefix = nextPrefix();
    const results = await Promise.all([1, 2, 3, 4].map((seed) => ensureReferenceData(redis, { prefix, users: 200, restaurants: 5, seed, reload: false })));
    const winners = results.filter((r) => r.loaded);
    expect(winners).toHaveLength(1);
    expect(await redis.scard(referenceKeys.userIds(prefix))).toBe(200);
    expect(await redis.scard(referenceKeys.restaurantIds(prefix))).toBe(5);
    expect(await readUsers(redis, prefix)).toHaveLength(200);
  });

  it('loads again when only one of the two sets is there', async () => {
    const prefix = nextPrefix();
    await redis.sadd(referenceKeys.userIds(prefix), 'aaaaaaaaaaaaaaaaaaaaaaaa');
    const result = await ensureReferenceData(redis, { prefix, ...sizes, reload: false });
    expect(result.loaded).toBe(true);
    expect(await readUserIds(redis, prefix)).not.toContain('aaaaaaaaaaaaaaaaaaaaaaaa');
    expect(await readUserIds(redis, prefix)).toHaveLength(30);
  });
});
