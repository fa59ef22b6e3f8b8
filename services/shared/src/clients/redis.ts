import { Redis } from 'ioredis';
import type { Logger } from '../logger.ts';

export function createRedis(redisUrl: string, log: Logger): Redis {
  const redis = new Redis(redisUrl, {
    // Commands wait while Redis is away and fail after a bounded time instead of hanging forever.
    maxRetriesPerRequest: 3,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 5000),
    lazyConnect: false,
  });
  let lastError = '';
  redis.on('error', (error: Error) => {
    if (error.message !== lastError) log.warn({ err: error }, 'redis connection error');
    lastError = error.message;
  });
  redis.on('ready', () => (lastError = ''));
  return redis;
}
