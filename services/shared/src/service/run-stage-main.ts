import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.ts';
import { ensureTopics } from '../kafka/ensure-topics.ts';
import { configuredLogger, type Logger } from '../logger.ts';
import type { StageDefinition } from '../stage/stage-definition.ts';
import { createServiceClients, type ServiceClients } from './service-clients.ts';
import { loadServiceConfig } from './service-config.ts';
import { serveThenConnect } from './serve-then-connect.ts';
import { buildStageService } from './stage-service.ts';

export interface StageMain<In, Ready> {
  name: 'stg' | 'dds' | 'cdm';
  usesRedis: boolean;
  port(config: Config): number;
  topics(config: Config): { input: string; output: string | null };
  createStage(config: Config, clients: ServiceClients): StageDefinition<In, Ready>;
  /** Routes of the service's own, besides /health and /metrics. */
  routes?(config: Config, log: Logger): FastifyPluginAsync;
}

/**
 * Entry point of a consuming service process: listen (so /health can say what is wrong), connect to
 * Kafka (retrying while it refuses), create the topics, consume; stop on SIGTERM.
 */
export async function runStageMain<In, Ready>(main: StageMain<In, Ready>): Promise<void> {
  const config = loadServiceConfig(main.name);
  const log = configuredLogger(main.name, config);
  const clients = createServiceClients(config, main.name, log, {
    redis: main.usesRedis,
    poolSize: config.consumer.partitionsConcurrently + 2,
  });
  const { input, output } = main.topics(config);
  const service = buildStageService(
    { name: main.name, inputTopic: input, outputTopic: output, stage: main.createStage(config, clients), routes: main.routes?.(config, log) },
    config,
    clients,
    log,
  );
  await serveThenConnect({
    app: service.app,
    host: config.host,
    port: main.port(config),
    clients,
    log,
    stop: () => service.stop(),
    async whenConnected(stopping) {
      await ensureTopics(clients.kafka, [input, ...(output ? [output] : []), config.topics.deadLetters], config.topicPartitions, config.topicReplicationFactor);
      if (!stopping.aborted) await service.start();
    },
  });
}
