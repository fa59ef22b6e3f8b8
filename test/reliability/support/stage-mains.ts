// The three consuming services as their entry points define them, for in-process tests.
import { cdmStage } from '../../../services/cdm/src/cdm-stage.ts';
import { ddsStage } from '../../../services/dds/src/dds-stage.ts';
import type { ClosedOrder, EnrichedOrder } from '../../../services/shared/src/contracts/index.ts';
import type { OrderEvent } from '../../../services/shared/src/contracts/order-event.ts';
import type { StageMain } from '../../../services/shared/src/service/run-stage-main.ts';
import { createStgStage, type StgReady } from '../../../services/stg/src/stg-stage.ts';

export const stgMain: StageMain<OrderEvent, StgReady> = {
  name: 'stg',
  usesRedis: true,
  port: (config) => config.ports.stg,
  topics: (config) => ({ input: config.topics.stg, output: config.topics.dds }),
  createStage: (config, clients) => createStgStage({ redis: clients.redis!, keyPrefix: config.redisKeyPrefix, cacheSize: config.stgCacheSize }),
};

export const ddsMain: StageMain<EnrichedOrder, EnrichedOrder> = {
  name: 'dds',
  usesRedis: false,
  port: (config) => config.ports.dds,
  topics: (config) => ({ input: config.topics.dds, output: config.topics.cdm }),
  createStage: () => ddsStage,
};

export const cdmMain: StageMain<ClosedOrder, ClosedOrder> = {
  name: 'cdm',
  usesRedis: false,
  port: (config) => config.ports.cdm,
  topics: (config) => ({ input: config.topics.cdm, output: null }),
  createStage: () => cdmStage,
};
