// stg → dds → cdm in this process, on the test infra, for suites that feed stg_service and then read
// the warehouse: the stages as their entry points define them, the fixtures' user and restaurant in Redis.
import { Redis } from 'ioredis';
import type { Config } from '@orders-dwh/shared/config';
import { storeReference } from '../../support/reference-data.ts';
import { restaurant, user } from '../../../services/stg/test/order-fixtures.ts';
import { waitForDrain } from '../../support/drain.ts';
import { startStage, startTestInfra, type RunningStage, type TestInfra } from '../../support/service-harness.ts';
import { cdmMain, ddsMain, stgMain } from './stage-mains.ts';

/** The consumer group of each stage, on the topic it reads. */
export const stageGroups = (config: Config) => [
  { groupId: 'stg-service', topic: config.topics.stg },
  { groupId: 'dds-service', topic: config.topics.dds },
  { groupId: 'cdm-service', topic: config.topics.cdm },
];

export interface InProcessPipeline {
  infra: TestInfra;
  config: Config;
  /** stg, dds and cdm, running. */
  stages: RunningStage[];
  /** Resolves once every stage has committed its topic's end; fails after timeoutMs. */
  drain(timeoutMs: number): Promise<void>;
  /** Stops the stages, then the infra. */
  stop(): Promise<void>;
}

/**
 * The stages are running (they have created their topics) when this resolves. `env` overrides their
 * configuration; with REDIS_URL among it, the reference data goes to that Redis.
 */
export async function startInProcessPipeline(env: Record<string, string> = {}): Promise<InProcessPipeline> {
  const infra = await startTestInfra();
  const config = infra.config(env);
  const redis = env.REDIS_URL ? new Redis(env.REDIS_URL) : infra.redis.redis;
  await storeReference(redis, infra.redis.prefix, { users: [user], restaurants: [restaurant] });
  if (redis !== infra.redis.redis) await redis.quit();
  const stages: RunningStage[] = [];
  for (const main of [stgMain, ddsMain, cdmMain]) stages.push(await startStage(main as never, config));
  return {
    infra,
    config,
    stages,
    drain: (timeoutMs) => waitForDrain(infra.admin, stageGroups(config), timeoutMs),
    async stop() {
      for (const stage of stages) await stage.service.stop();
      await infra.close();
    },
  };
}
