// The four services as processes, each connected as its own Postgres role (as in the compose
// stack), then GET /metrics of each: the figures move, and agree with each other and with Kafka.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBroker, type RunningBroker } from '@orders-dwh/dev-broker';
import { serviceDatabaseUrl } from '../../scripts/migrate/service-roles.ts';
import { parsePrometheusText, sampleValue, type Sample } from '../support/prometheus-samples.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { waitForDrain } from '../support/drain.ts';
import { createTestRedis, type TestRedis } from '../support/redis.ts';
import { createServiceFleet, SERVICE_NAMES, type ServiceFleet, type ServiceName } from '../support/service-processes.ts';

const ORDERS = 300;
const PARTITIONS = 3;
const STAGES = [
  { groupId: 'stg-service', topic: 'stg_service' },
  { groupId: 'dds-service', topic: 'dds_service' },
  { groupId: 'cdm-service', topic: 'cdm_service' },
];

let dataDir: string;
let broker: RunningBroker;
let db: TestDatabase;
let redis: TestRedis;
let admin: Admin;
let producer: Producer;
const fleets = new Map<ServiceName, ServiceFleet>();

async function metricsOf(name: ServiceName): Promise<Sample[]> {
  const response = await fetch(fleets.get(name)!.url(name, '/metrics'));
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'roles-metrics-broker-'));
  broker = await startBroker({ port: 0, dataDir, defaultPartitions: PARTITIONS });
  db = await createTestDatabase();
  redis = createTestRedis();
  // One fleet per service, so that each gets its own DATABASE_URL: its role, no password (trust).
  for (const name of SERVICE_NAMES) {
    const fleet = await createServiceFleet({
      DATABASE_URL: serviceDatabaseUrl(db.url, name),
      REDIS_KEY_PREFIX: redis.prefix,
      KAFKA_BROKERS: broker.address,
      TOPIC_PARTITIONS: String(PARTITIONS),
      REF_USERS: '20',
      REF_RESTAURANTS: '4',
      CONSUMER_MAX_BATCH: '50',
    });
    fleets.set(name, fleet);
    await fleet.start(name);
  }
  const kafka = new Kafka({ brokers: [broker.address], logLevel: logLevel.NOTHING });
  admin = kafka.admin();
  producer = kafka.producer();
  await Promise.all([admin.connect(), producer.connect()]);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([admin?.disconnect(), producer?.disconnect()]);
  await Promise.all([...fleets.values()].map((fleet) => fleet.stopAll()));
  await broker?.close();
  await redis?.cleanup();
  await db?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('services under their own roles, observed through /metrics', () => {
  it('start healthy and expose process metrics and zero counters', async () => {
    for (const name of SERVICE_NAMES) {
      const samples = await metricsOf(name);
      expect(
        samples.every((s) => s.labels.service === name),
        name,
      ).toBe(true);
      expect(sampleValue(samples, 'process_resident_memory_bytes'), name).toBeGreaterThan(0);
      expect(sampleValue(samples, 'dwh_messages_consumed_total'), name).toBe(0);
    }
  });

  it('count every message from source to cdm, dead letters included, with lag back to zero', async () => {
    const push = await fetch(fleets.get('source')!.url('source', '/push'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ N: ORDERS }),
    });
    expect(push.status).toBe(200);
    await producer.send({ topic: 'stg_service', messages: [{ key: 'broken', value: '{"object_id":' }] });
    await waitForDrain(admin, STAGES, 90_000);

    const [source, stg, dds, cdm] = await Promise.all(SERVICE_NAMES.map(metricsOf));
    const count = (samples: Sample[], name: string, topic: string) => sampleValue(samples, name, { topic });

    expect(count(source!, 'dwh_messages_produced_total', 'stg_service')).toBe(ORDERS);

    expect(count(stg!, 'dwh_messages_consumed_total', 'stg_service')).toBe(ORDERS + 1);
    expect(count(stg!, 'dwh_dead_letters_total', 'stg_service')).toBe(1);
    expect(count(stg!, 'dwh_messages_produced_total', 'dead_letters')).toBe(1);
    expect(count(stg!, 'dwh_messages_produced_total', 'dds_service')).toBe(ORDERS);

    expect(count(dds!, 'dwh_messages_consumed_total', 'dds_service')).toBe(ORDERS);
    const closed = Number((await db.pool.query(`SELECT count(*) AS n FROM stg.order_events WHERE payload->>'final_status' = 'CLOSED'`)).rows[0].n);
    expect(closed).toBeGreaterThan(0);
    expect(count(dds!, 'dwh_messages_produced_total', 'cdm_service')).toBe(closed);
    expect(count(cdm!, 'dwh_messages_consumed_total', 'cdm_service')).toBe(closed);

    // What Kafka holds agrees with what the services say they produced.
    const high = async (topic: string) => (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
    expect(await high('dds_service')).toBe(count(stg!, 'dwh_messages_produced_total', 'dds_service'));
    expect(await high('cdm_service')).toBe(count(dds!, 'dwh_messages_produced_total', 'cdm_service'));

    for (const [samples, topic] of [
      [stg!, 'stg_service'],
      [dds!, 'dds_service'],
      [cdm!, 'cdm_service'],
    ] as const) {
      expect(count(samples, 'dwh_batch_size_sum', topic)).toBe(count(samples, 'dwh_messages_consumed_total', topic));
      expect(count(samples, 'dwh_batch_size_count', topic)).toBeGreaterThanOrEqual(Math.ceil(count(samples, 'dwh_messages_consumed_total', topic) / 50));
      expect(count(samples, 'dwh_batch_duration_seconds_count', topic)).toBe(count(samples, 'dwh_batch_size_count', topic));
      expect(count(samples, 'dwh_db_write_duration_seconds_count', topic)).toBe(count(samples, 'dwh_batch_size_count', topic));
      expect(count(samples, 'dwh_db_write_duration_seconds_sum', topic)).toBeGreaterThan(0);
      const lags = samples.filter((s) => s.name === 'dwh_consumer_lag');
      expect(lags.length, topic).toBeGreaterThan(0);
      expect(
        lags.every((s) => s.labels.topic === topic && s.value === 0),
        topic,
      ).toBe(true);
      expect(sampleValue(samples, 'dwh_messages_failed_total')).toBe(0);
    }
  });
});
