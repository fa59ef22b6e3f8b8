import { runStageMain } from '../../shared/src/service/run-stage-main.ts';
import { createStgStage } from './stg-stage.ts';

await runStageMain({
  name: 'stg',
  usesRedis: true,
  port: (config) => config.ports.stg,
  topics: (config) => ({ input: config.topics.stg, output: config.topics.dds }),
  createStage: (config, clients) => createStgStage({ redis: clients.redis!, keyPrefix: config.redisKeyPrefix, cacheSize: config.stgCacheSize }),
});
