import { isContractText, priceSchema } from '@orders-dwh/shared/contracts';
import { type MenuItem, type ReferenceRestaurant, type ReferenceUser, referenceKeys } from '@orders-dwh/shared/reference';
import { DependencyStateError } from '@orders-dwh/shared/stage';
import { LruCache } from './lru-cache.ts';

/** The Redis commands the lookup needs (ioredis' Redis satisfies it). */
export interface ReferenceRedis {
  mget(keys: string[]): Promise<Array<string | null>>;
  exists(...keys: string[]): Promise<number>;
}

export interface RestaurantWithMenu {
  restaurant: ReferenceRestaurant;
  /** The menu's items by id. */
  menu: ReadonlyMap<string, MenuItem>;
}

/** What one id resolved to: its reference record, or why it cannot be used. */
export type Resolved<T> = { ok: true; value: T } | { ok: false; reason: string };

export interface ReferenceLookupResult {
  users: Map<string, Resolved<ReferenceUser>>;
  restaurants: Map<string, Resolved<RestaurantWithMenu>>;
}

export interface ReferenceLookupOptions {
  redis: ReferenceRedis;
  keyPrefix: string;
  cacheSize: number;
  cacheTtlMs?: number;
  now?: () => number;
}

export const DEFAULT_CACHE_TTL_MS = 60_000;

type Cached = { kind: 'user'; user: ReferenceUser } | { kind: 'restaurant'; entry: RestaurantWithMenu };

/**
 * Resolves users and restaurants by id: from a bounded, expiring cache, and everything else with
 * ONE MGET per call. Only found records are cached, so a user added later is seen at once. When an
 * id is not found, the id sets source writes with the records are looked for too: without them
 * Redis holds no reference data at all (flushed, restarted without its data, or the wrong REDIS_URL
 * or REDIS_KEY_PREFIX), and the batch waits with a DependencyStateError instead of dead-lettering
 * every order as one of an unknown user.
 */
export function createReferenceLookup(options: ReferenceLookupOptions) {
  const { redis, keyPrefix } = options;
  const cache = new LruCache<string, Cached>({
    maxSize: options.cacheSize,
    ttlMs: options.cacheTtlMs ?? DEFAULT_CACHE_TTL_MS,
    now: options.now,
  });

  return async function lookup(userIds: Iterable<string>, restaurantIds: Iterable<string>): Promise<ReferenceLookupResult> {
    const users = new Map<string, Resolved<ReferenceUser>>();
    const restaurants = new Map<string, Resolved<RestaurantWithMenu>>();
    const wanted: Array<{ key: string; id: string; kind: Cached['kind'] }> = [];

    for (const id of new Set(userIds)) {
      const key = referenceKeys.user(keyPrefix, id);
      const hit = cache.get(key);
      if (hit?.kind === 'user') users.set(id, { ok: true, value: hit.user });
      else wanted.push({ key, id, kind: 'user' });
    }
    for (const id of new Set(restaurantIds)) {
      const key = referenceKeys.restaurant(keyPrefix, id);
      const hit = cache.get(key);
      if (hit?.kind === 'restaurant') restaurants.set(id, { ok: true, value: hit.entry });
      else wanted.push({ key, id, kind: 'restaurant' });
    }
    if (wanted.length === 0) return { users, restaurants };

    const values = await redis.mget(wanted.map((w) => w.key));
    if (values.some((value) => value == null)) await requireReferenceData(redis, keyPrefix);
    wanted.forEach(({ key, id, kind }, i) => {
      const raw = values[i];
      if (kind === 'user') {
        const resolved = raw == null ? { ok: false as const, reason: `unknown user ${id}` } : parseUser(id, raw);
        if (resolved.ok) cache.set(key, { kind, user: resolved.value });
        users.set(id, resolved);
      } else {
        const resolved = raw == null ? { ok: false as const, reason: `unknown restaurant ${id}` } : parseRestaurant(id, raw);
        if (resolved.ok) cache.set(key, { kind, entry: resolved.value });
        restaurants.set(id, resolved);
      }
    });
    return { users, restaurants };
  };
}

async function requireReferenceData(redis: ReferenceRedis, keyPrefix: string): Promise<void> {
  const sets = [referenceKeys.userIds(keyPrefix), referenceKeys.restaurantIds(keyPrefix)];
  const found = await redis.exists(...sets);
  if (found < sets.length) {
    throw new DependencyStateError(
      `Redis holds no reference data under the key prefix "${keyPrefix}" (${sets.join(' and ')} are not both there): ` +
        'orders wait until source loads it (restart source), or until REDIS_URL and REDIS_KEY_PREFIX name where it is',
    );
  }
}

// Reference data becomes message fields downstream: it must pass the same text rules as messages.
const isText = isContractText;
const isPrice = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= priceSchema.minimum && (value as number) <= priceSchema.maximum;

function parseJson(raw: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(raw);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function parseUser(id: string, raw: string): Resolved<ReferenceUser> {
  const user = parseJson(raw);
  if (!user || user.id !== id || !isText(user.name) || !isText(user.login)) {
    return { ok: false, reason: `user ${id} has malformed reference data in Redis` };
  }
  return { ok: true, value: user as unknown as ReferenceUser };
}

function parseRestaurant(id: string, raw: string): Resolved<RestaurantWithMenu> {
  const restaurant = parseJson(raw);
  if (!restaurant || restaurant.id !== id || !isText(restaurant.name) || !Array.isArray(restaurant.menu)) {
    return { ok: false, reason: `restaurant ${id} has malformed reference data in Redis` };
  }
  // A malformed menu item is left out: an order of it is then refused as not on the menu.
  const menu = new Map<string, MenuItem>();
  for (const item of restaurant.menu as unknown[]) {
    const { id: itemId, name, category, price } = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    if (typeof itemId === 'string' && isText(name) && isText(category) && isPrice(price)) {
      menu.set(itemId, { id: itemId, name, category: category as MenuItem['category'], price });
    }
  }
  return { ok: true, value: { restaurant: restaurant as unknown as ReferenceRestaurant, menu } };
}
