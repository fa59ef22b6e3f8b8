import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.ts';
import { ensureTopics } from '../kafka/ensure-topics.ts';
import { configuredLogger, type Logger } from '../logger.ts';
import type { StageDefinition } from '../stage/stage-definition.ts';
import { exitOnSignal } from './graceful-shutdown.ts';
import { openServiceClients, type ServiceClients } from './service-clients.ts';
import { loadServiceConfig } from './service-config.ts';
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

/** Entry point of a consuming service process: connect, consume, listen, stop on SIGTERM. */
export async function runStageMain<In, Ready>(main: StageMain<In, Ready>): Promise<void> {
  const config = loadServiceConfig(main.name);
  const log = configuredLogger(main.name, config);
  const clients = await openServiceClients(config, main.name, log, {
    redis: main.usesRedis,
    poolSize: config.consumer.partitionsConcurrently + 2,
  });
  const { input, output } = main.topics(config);
  await ensureTopics(clients.kafka, [input, ...(output ? [output] : []), config.topics.deadLetters], config.topicPartitions, config.topicReplicationFactor);
  const service = buildStageService(
    { name: main.name, inputTopic: input, outputTopic: output, stage: main.createStage(config, clients), routes: main.routes?.(config, log) },
    config,
    clients,
    log,
  );
  exitOnSignal(() => service.stop(), log);
  await service.start();
  await service.app.listen({ host: config.host, port: main.port(config) });
}
