import type { Admin, Kafka, Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { createKafka, createProducer } from '../clients/kafka.ts';
import { createPool } from '../clients/postgres.ts';
import { createRedis } from '../clients/redis.ts';
import type { Config } from '../config.ts';
import { describeKafkaFailure } from '../kafka/kafka-failure.ts';
import type { Logger } from '../logger.ts';
import { KafkaConnection } from './kafka-connection.ts';

/** The connections one service process holds; closed in reverse order of need. */
export interface ServiceClients {
  pool: pg.Pool;
  redis: Redis | null;
  kafka: Kafka;
  producer: Producer;
  admin: Admin;
  /** The producer's and admin's connection: a main listens first, then waits on it (see KafkaConnection). */
  kafkaConnection: KafkaConnection;
  close(): Promise<void>;
}

type ClientOptions = { redis: boolean; poolSize?: number };

/** The clients, not connected to Kafka yet (Postgres and Redis connect on first use). */
export function createServiceClients(config: Config, service: string, log: Logger, opts: ClientOptions): ServiceClients {
  const pool = createPool(config.databaseUrl, log, opts.poolSize ?? 10, config.postgres);
  const redis = opts.redis ? createRedis(config.redisUrl, log, config.redis) : null;
  // kafkajs logs each failed attempt; until the first connection KafkaConnection says why, once.
  const kafka = createKafka(config, service, log, () => kafkaConnection.connected);
  const producer = createProducer(kafka);
  const admin = kafka.admin();
  const describe = (error: unknown) => describeKafkaFailure(error, config.kafkaBrokers, config.kafkaSecurity);
  const kafkaConnection = new KafkaConnection({ producer, admin, describe, log });
  return {
    pool,
    redis,
    kafka,
    producer,
    admin,
    kafkaConnection,
    async close() {
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
      await Promise.allSettled([pool.end(), redis?.quit()]);
    },
  };
}

/** The clients, connected to Kafka in one attempt (tests and tools: a failure rejects). */
export async function openServiceClients(config: Config, service: string, log: Logger, opts: ClientOptions): Promise<ServiceClients> {
  const clients = createServiceClients(config, service, log, opts);
  await clients.kafkaConnection.connectOnce();
  return clients;
}
