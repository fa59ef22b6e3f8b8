// Reference data written the way source writes it: each record under its key, and its id in the
// users or restaurants set (stg takes a missing set for reference data that is gone from Redis).
import type { Redis } from 'ioredis';
import { referenceKeys, type ReferenceRestaurant, type ReferenceUser } from '@orders-dwh/shared/reference';

export async function storeReference(
  redis: Redis,
  prefix: string,
  { users = [], restaurants = [] }: { users?: readonly ReferenceUser[]; restaurants?: readonly ReferenceRestaurant[] },
): Promise<void> {
  const multi = redis.multi();
  for (const user of users) multi.set(referenceKeys.user(prefix, user.id), JSON.stringify(user)).sadd(referenceKeys.userIds(prefix), user.id);
  for (const restaurant of restaurants) {
    multi.set(referenceKeys.restaurant(prefix, restaurant.id), JSON.stringify(restaurant)).sadd(referenceKeys.restaurantIds(prefix), restaurant.id);
  }
  await multi.exec();
}
