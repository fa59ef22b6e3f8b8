// Hand-made reference data written the way source writes its own (queueReferenceWrites): each record
// under its key, and its id in the users or restaurants set.
import type { Redis } from 'ioredis';
import type { ReferenceRestaurant, ReferenceUser } from '@orders-dwh/shared/reference';
import { queueReferenceWrites } from '../../services/source/src/reference-store.ts';

export async function storeReference(
  redis: Redis,
  prefix: string,
  { users = [], restaurants = [] }: { users?: ReferenceUser[]; restaurants?: ReferenceRestaurant[] },
): Promise<void> {
  const tx = redis.multi();
  queueReferenceWrites(tx, prefix, { users, restaurants });
  await tx.exec();
}
