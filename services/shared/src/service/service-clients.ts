import type { Admin, Kafka, Producer } from 'kafkajs';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { createKafka, createProducer } from '../clients/kafka.ts';
import { createPool } from '../clients/postgres.ts';
import { createRedis } from '../clients/redis.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';

/** The connections one service process holds; closed in reverse order of need. */
export interface ServiceClients {
  pool: pg.Pool;
  redis: Redis | null;
  kafka: Kafka;
  producer: Producer;
  admin: Admin;
  close(): Promise<void>;
}

export async function openServiceClients(config: Config, service: string, log: Logger, opts: { redis: boolean; poolSize?: number }): Promise<ServiceClients> {
  const pool = createPool(config.databaseUrl, log, opts.poolSize ?? 10, config.postgres);
  const redis = opts.redis ? createRedis(config.redisUrl, log, config.redis) : null;
  const kafka = createKafka(config.kafkaBrokers, `${config.kafkaClientId}-${service}`, log, config.kafkaRetry);
  const producer = createProducer(kafka);
  const admin = kafka.admin();
  await Promise.all([producer.connect(), admin.connect()]);
  return {
    pool,
    redis,
    kafka,
    producer,
    admin,
    async close() {
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
      await Promise.allSettled([pool.end(), redis?.quit()]);
    },
  };
}
