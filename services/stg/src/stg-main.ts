import type { StageMain } from '@orders-dwh/shared/service';
import type { OrderEvent } from '@orders-dwh/shared/contracts';
import { createStgStage, type StgReady } from './stg-stage.ts';

/** stg: order events from stg_service, enriched from Redis, kept in stg.order_events, forwarded to dds_service. */
export const stgMain: StageMain<OrderEvent, StgReady> = {
  name: 'stg',
  usesRedis: true,
  port: (config) => config.ports.stg,
  topics: (config) => ({ input: config.topics.stg, output: config.topics.dds }),
  createStage: (config, clients) => createStgStage({ redis: clients.redis!, keyPrefix: config.redisKeyPrefix, cacheSize: config.stgCacheSize }),
};
