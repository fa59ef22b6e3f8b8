import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.ts';
import { kafkaCheck, postgresCheck, redisCheck, type HealthCheck } from '../health/health-checks.ts';
import { consumerGroupId } from '../kafka/consumer-groups.ts';
import { registerHealthRoute } from '../health/health-route.ts';
import type { Logger } from '../logger.ts';
import { createMetricsRegistry } from '../metrics/metrics-registry.ts';
import { registerMetricsRoute } from '../metrics/metrics-route.ts';
import { StageMetrics } from '../metrics/stage-metrics.ts';
import type { StageDefinition } from '../stage/stage-definition.ts';
import { crashHook, type CrashHook } from '../stage/crash-point.ts';
import { StageRunner } from '../stage/stage-runner.ts';
import type { ServiceClients } from './service-clients.ts';

export interface StageServiceSpec<In, Ready> {
  name: string;
  inputTopic: string;
  outputTopic: string | null;
  stage: StageDefinition<In, Ready>;
  /** Fault injection for tests; by default the one config.crash (STAGE_CRASH_POINT) asks for: none. */
  crashHook?: CrashHook;
  /** When a consumer that takes no batch while messages wait counts as stalled (tests shorten it). */
  stallMs?: number;
  /** The service's own HTTP routes besides /health and /metrics (cdm's read API). */
  routes?: FastifyPluginAsync;
}

export interface StageService {
  app: FastifyInstance;
  runner: StageRunner<unknown, unknown>;
  /** Starts consuming (the app is not listening yet: call app.listen or use app.inject). */
  start(): Promise<void>;
  /** Finishes the batch in flight, commits, closes the app and every client. */
  stop(): Promise<void>;
}

/** Builds a consuming service: the shared stage runner plus a Fastify app with GET /health and GET /metrics. */
export function buildStageService<In, Ready>(spec: StageServiceSpec<In, Ready>, config: Config, clients: ServiceClients, log: Logger): StageService {
  const registry = createMetricsRegistry(spec.name);
  const runner = new StageRunner(
    spec.stage,
    { kafka: clients.kafka, admin: clients.admin, producer: clients.producer, pool: clients.pool, log, metrics: new StageMetrics(registry) },
    {
      inputTopic: spec.inputTopic,
      outputTopic: spec.outputTopic,
      deadLetterTopic: config.topics.deadLetters,
      groupId: consumerGroupId(spec.name),
      maxBatchMessages: config.consumer.maxBatchMessages,
      consumer: {
        maxBytesPerPartition: config.consumer.maxBytesPerPartition,
        partitionsConcurrently: config.consumer.partitionsConcurrently,
        sessionTimeoutMs: config.consumer.sessionTimeoutMs,
        heartbeatIntervalMs: config.consumer.heartbeatIntervalMs,
        maxWaitMs: config.consumer.maxWaitMs,
        retry: config.consumer.retry,
      },
      batchDeadlineMs: config.consumer.batchDeadlineMs,
      crashHook: spec.crashHook ?? crashHook(config.crash),
      stallMs: spec.stallMs,
    },
  );
  const topics = [spec.inputTopic, ...(spec.outputTopic ? [spec.outputTopic] : [])];
  const checks: HealthCheck[] = [
    clients.kafkaConnection.healthCheck(kafkaCheck(clients.admin, topics)),
    postgresCheck(clients.pool),
    ...(clients.redis ? [redisCheck(clients.redis)] : []),
    runner.healthCheck(),
  ];
  const app = Fastify({ loggerInstance: log as FastifyBaseLogger });
  registerHealthRoute(app, checks);
  registerMetricsRoute(app, registry);
  if (spec.routes) void app.register(spec.routes);

  let stopped = false;
  return {
    app,
    runner: runner as StageRunner<unknown, unknown>,
    start: () => runner.start(),
    async stop() {
      if (stopped) return;
      stopped = true;
      await runner.stop();
      await app.close();
      await clients.close();
    },
  };
}
