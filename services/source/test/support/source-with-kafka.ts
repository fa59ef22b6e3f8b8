// The source app with its real Kafka sink, Postgres and Redis, wired the way main.ts wires them.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Config } from '@orders-dwh/shared/config';
import { kafkaCheck, postgresCheck, redisCheck, registerHealthRoute } from '@orders-dwh/shared/health';
import { ensureTopics } from '@orders-dwh/shared/kafka';
import { createLogger } from '@orders-dwh/shared/logging';
import { openServiceClients } from '@orders-dwh/shared/service';
import type { TestInfra } from '../../../../test/support/service-harness.ts';
import { buildApp, type OrderSink } from '../../src/app.ts';
import { createKafkaOrderSink } from '../../src/kafka-order-sink.ts';
import { ensureReferenceData } from '../../src/reference-store.ts';

export interface SourceWithKafka {
  app: FastifyInstance;
  config: Config;
}

/** Builds the app (not listening); `sink` may wrap the Kafka sink. Closing the app closes its clients. */
export async function sourceWithKafka(
  infra: TestInfra,
  env: Record<string, string>,
  sink: (kafka: OrderSink) => OrderSink = (kafka) => kafka,
): Promise<SourceWithKafka> {
  const config = infra.config(env);
  const log = createLogger('source', config.logLevel);
  const clients = await openServiceClients(config, 'source', log, { redis: true });
  const redis = clients.redis!;
  await ensureTopics(clients.kafka, [config.topics.stg], config.topicPartitions);
  await ensureReferenceData(redis, { prefix: config.redisKeyPrefix, users: 30, restaurants: 4, seed: 7, reload: false });
  const app = buildApp({
    config,
    redis,
    db: clients.pool,
    producer: sink(createKafkaOrderSink(clients.producer, config.topics.stg)),
    log: log as FastifyBaseLogger,
    cancelShare: 0.2,
    health: (a) => registerHealthRoute(a, [kafkaCheck(clients.admin, [config.topics.stg]), postgresCheck(clients.pool), redisCheck(redis)]),
  });
  app.addHook('onClose', () => clients.close());
  return { app, config };
}
