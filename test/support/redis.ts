import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export interface TestRedis {
  redis: Redis;
  /** Random key prefix for this test file, e.g. `test:3f9a1c0b:`; every key the test writes starts with it. */
  prefix: string;
  /** Deletes every key under the prefix (SCAN, never KEYS) and closes the connection. */
  cleanup(): Promise<void>;
}

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export function createTestRedis(): TestRedis {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 2 });
  const prefix = `test:${randomBytes(6).toString('hex')}:`;

  async function cleanup(): Promise<void> {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  }

  return { redis, prefix, cleanup };
}
