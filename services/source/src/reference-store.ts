import type { Redis } from 'ioredis';
import type { Config } from '@orders-dwh/shared/config';
import { fromRedis } from '@orders-dwh/shared/http';
import { generateReferenceData, type ReferenceSizes } from './reference-data.ts';
import { referenceKeys as keys, type ReferenceData, type ReferenceRestaurant, type ReferenceUser } from '@orders-dwh/shared/reference';

export interface EnsureReferenceOptions extends ReferenceSizes {
  prefix: string;
  /** Replace whatever is there with freshly generated data. */
  reload: boolean;
}

export type EnsureReferenceResult = { loaded: true; users: number; restaurants: number } | { loaded: false; reason: 'already-present' | 'loaded-concurrently' };

const CHUNK = 1000;

/** The options for ensureReferenceData as configured (REDIS_KEY_PREFIX, REF_USERS, REF_RESTAURANTS, REF_SEED, REF_RELOAD). */
export function referenceOptionsFrom(config: Config): EnsureReferenceOptions {
  return { prefix: config.redisKeyPrefix, ...config.reference };
}

/**
 * Loads the reference data into Redis unless it is already there (both id sets exist) or `reload` is
 * asked. The check and the write are one optimistic transaction (WATCH the sets, then MULTI/EXEC) on
 * a connection of its own, so two sources starting at once never interleave their data: the second
 * EXEC fails and that source keeps the first one's data.
 */
export async function ensureReferenceData(redis: Redis, options: EnsureReferenceOptions): Promise<EnsureReferenceResult> {
  const { prefix } = options;
  const userSet = keys.userIds(prefix);
  const restaurantSet = keys.restaurantIds(prefix);
  const conn = redis.duplicate();
  try {
    await conn.watch(userSet, restaurantSet);
    const present = (await conn.exists(userSet, restaurantSet)) === 2;
    if (present && !options.reload) {
      await conn.unwatch();
      return { loaded: false, reason: 'already-present' };
    }
    const data = generateReferenceData(options);
    const staleKeys = [
      ...(await conn.smembers(userSet)).map((id) => keys.user(prefix, id)),
      ...(await conn.smembers(restaurantSet)).map((id) => keys.restaurant(prefix, id)),
    ];
    const tx = conn.multi();
    for (const chunk of chunks([userSet, restaurantSet, ...staleKeys])) tx.del(...chunk);
    queueReferenceWrites(tx, prefix, data);
    const result = await tx.exec();
    if (result === null) return { loaded: false, reason: 'loaded-concurrently' };
    const failed = result.find(([error]) => error);
    if (failed) throw failed[0];
    return { loaded: true, users: data.users.length, restaurants: data.restaurants.length };
  } finally {
    conn.disconnect();
  }
}

type Queue = ReturnType<Redis['multi']>;

/** Queues the records under their keys and their ids in the users and restaurants sets (stg takes a missing set for data gone from Redis). */
export function queueReferenceWrites(tx: Queue, prefix: string, data: ReferenceData): void {
  const userPairs = data.users.flatMap((u) => [keys.user(prefix, u.id), JSON.stringify(u)]);
  const restaurantPairs = data.restaurants.flatMap((r) => [keys.restaurant(prefix, r.id), JSON.stringify(r)]);
  for (const chunk of chunks([...userPairs, ...restaurantPairs], CHUNK * 2)) tx.mset(...chunk);
  for (const chunk of chunks(data.users.map((u) => u.id))) tx.sadd(keys.userIds(prefix), ...chunk);
  for (const chunk of chunks(data.restaurants.map((r) => r.id))) tx.sadd(keys.restaurantIds(prefix), ...chunk);
}

// The readers below reject with DependencyUnavailableError when Redis cannot be reached.

/** Ids of every user, sorted (SMEMBERS has no order; sorting keeps a seeded generator reproducible). */
export async function readUserIds(redis: Redis, prefix: string): Promise<string[]> {
  return (await fromRedis(redis.smembers(keys.userIds(prefix)))).sort();
}

export async function readUsers(redis: Redis, prefix: string): Promise<ReferenceUser[]> {
  const ids = await readUserIds(redis, prefix);
  return readJson<ReferenceUser>(
    redis,
    ids.map((id) => keys.user(prefix, id)),
  );
}

/** Every restaurant with its menu, sorted by id. */
export async function readRestaurants(redis: Redis, prefix: string): Promise<ReferenceRestaurant[]> {
  const ids = (await fromRedis(redis.smembers(keys.restaurantIds(prefix)))).sort();
  return readJson<ReferenceRestaurant>(
    redis,
    ids.map((id) => keys.restaurant(prefix, id)),
  );
}

/** Values of the keys that exist, in key order; a key listed in a set but missing is skipped. */
async function readJson<T>(redis: Redis, keyList: string[]): Promise<T[]> {
  const out: T[] = [];
  for (const chunk of chunks(keyList)) {
    for (const raw of await fromRedis(redis.mget(...chunk))) if (raw !== null) out.push(JSON.parse(raw) as T);
  }
  return out;
}

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
