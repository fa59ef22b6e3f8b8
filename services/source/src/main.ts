import type { FastifyBaseLogger } from 'fastify';
import { requirePushApiKey } from '@orders-dwh/shared/config';
import { kafkaCheck, postgresCheck, redisCheck, runHealthChecks, registerHealthRoute } from '@orders-dwh/shared/health';
import { ensureTopics } from '@orders-dwh/shared/kafka';
import { configuredLogger } from '@orders-dwh/shared/logging';
import { MessageMetrics, createMetricsRegistry, registerMetricsRoute } from '@orders-dwh/shared/metrics';
import { createServiceClients, loadServiceConfig, serveThenConnect } from '@orders-dwh/shared/service';
import { buildApp } from './app.ts';
import { DashboardFeed } from './dashboard/dashboard-feed.ts';
import { readOffsets, readStatus, type PipelineSources } from './dashboard/pipeline-reading.ts';
import { createKafkaOrderSink } from './kafka-order-sink.ts';
import { ensureReferenceData, referenceOptionsFrom } from './reference-store.ts';

const config = loadServiceConfig('source', requirePushApiKey);
const log = configuredLogger('source', config);
const clients = createServiceClients(config, 'source', log, { redis: true });
const redis = clients.redis!;

const registry = createMetricsRegistry('source');
const messages = new MessageMetrics(registry);
const orderSink = createKafkaOrderSink(clients.producer, config.topics.stg);

const reference = await ensureReferenceData(redis, referenceOptionsFrom(config));
log.info(reference, reference.loaded ? 'reference data loaded into redis' : 'reference data already in redis');

const checks = [clients.kafkaConnection.healthCheck(kafkaCheck(clients.admin, [config.topics.stg])), postgresCheck(clients.pool), redisCheck(redis)];
const pipeline: PipelineSources = {
  admin: clients.admin,
  pool: clients.pool,
  topics: { stg: config.topics.stg, dds: config.topics.dds, cdm: config.topics.cdm },
  urls: config.serviceUrls,
  ownHealth: () => runHealthChecks(checks),
};
const feed = new DashboardFeed({ offsets: () => readOffsets(pipeline), status: () => readStatus(pipeline) });

const app = buildApp({
  config,
  redis,
  db: clients.pool,
  producer: {
    async send(batch) {
      await orderSink.send(batch);
      messages.produced(config.topics.stg, batch.length);
    },
  },
  log: log as FastifyBaseLogger,
  cancelShare: config.cancelShare,
  orderEvents: config.orderEvents,
  health: (app) => registerHealthRoute(app, checks),
  dashboard: {
    feed,
    cdmUrl: config.serviceUrls.cdm,
    pool: clients.pool,
    redis,
    keyPrefix: config.redisKeyPrefix,
    producer: clients.producer,
    apiKey: config.push.apiKey,
  },
});
registerMetricsRoute(app, registry);
app.addHook('onClose', () => clients.close());
await serveThenConnect({
  app,
  host: config.host,
  port: config.ports.source,
  clients,
  log,
  stop: () => app.close(),
  async whenConnected() {
    await ensureTopics(clients.kafka, [config.topics.stg], config.topicPartitions, config.topicReplicationFactor);
    log.info({ url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.ports.source}/` }, 'dashboard ready');
  },
});
