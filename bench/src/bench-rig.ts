// The pipeline a benchmark runs on: its Kafka (the development broker, Apache Kafka, or KAFKA_BROKERS
// with topics of its own), a fresh database, a Redis key prefix, the four services as processes,
// and the readings of their CPU, memory and /metrics that the phases take.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import pg from 'pg';
import { Redis } from 'ioredis';
import { startApacheKafka } from '@orders-dwh/apache-kafka';
import { ensureDatabase } from '../../scripts/migrate/ensure-database.ts';
import { runMigrations } from '../../scripts/migrate/run.ts';
import { type Config, loadConfig } from '@orders-dwh/shared/config';
import { consumerGroupId, kafkajsSecurity } from '@orders-dwh/shared/kafka';
import { dropDatabase } from '../../test/support/database.ts';
import type { StageGroup } from './offset-sampler.ts';
import type { BenchOptions } from './options.ts';
import { CpuTracker, pidsByCommand, readCpuSeconds, readMemory } from './proc-stats.ts';
import { startBrokerProcess, startService, type ServiceInstance } from './processes.ts';
import type { BenchResult } from './report.ts';
import { difference, type Scraped, scrape, sum } from './service-metrics.ts';

/** What one run is called and where its pieces go. */
export interface RunIds {
  runId: string;
  databaseName: string;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
}

export interface RigContext {
  options: BenchOptions;
  ids: RunIds;
  /** Run in reverse order at the end (or on a failure or a signal). */
  cleanups: Array<() => Promise<unknown>>;
  /** The services as they start, for the failure report. */
  services: ServiceInstance[];
  /** Where a process's CPU profile goes, if --cpu-prof names it. */
  profiled(name: string): string | null;
  log(message: string): void;
}

export interface BenchRig {
  config: Config;
  db: pg.Pool;
  admin: Admin;
  services: ServiceInstance[];
  stages: StageGroup[];
  /** "development broker", "Apache Kafka 3.9.1" or KAFKA_BROKERS=... */
  kafkaUsed: string;
  /** The pids of each of our processes (services by name, the broker). */
  processes: Map<string, number[]>;
  cpuNow(): Map<string, number>;
  rssNow(): Map<string, number>;
  /** CPU seconds so far of this database's Postgres backends, every Postgres process, Redis. */
  trackerTotals(): Promise<{ ownBackends: number; postgres: number; redis: number }>;
  /** RSS every 500 ms, with t in ms since the last restartRssSamples(). */
  rssSamples: Array<{ t: number; rss: Map<string, number> }>;
  restartRssSamples(at: number): void;
  /** Each consuming stage's own figures (GET /metrics), summed over its instances; null if one does not answer. */
  stageMetrics(): Promise<Map<string, Scraped> | null>;
  batchFigures(after: Map<string, Scraped> | null, before: Map<string, Scraped> | null): BenchResult['batches'];
}

export async function startRig({ options, ids, cleanups, services, profiled, log }: RigContext): Promise<BenchRig> {
  const { brokers, brokerPid, kafkaUsed, topicPrefix } = await startKafka({ options, ids, cleanups, services, profiled, log });

  await ensureDatabase(ids.databaseUrl);
  if (!options.keep) cleanups.push(() => dropDatabase(ids.databaseName));
  await runMigrations(ids.databaseUrl);
  const db = new pg.Pool({ connectionString: ids.databaseUrl, max: 3 });
  cleanups.push(() => db.end());
  log(`database ${ids.databaseName}${options.keep ? ' (kept)' : ''}, redis prefix ${ids.redisPrefix}`);

  const redis = new Redis(ids.redisUrl, { maxRetriesPerRequest: 2 });
  cleanups.push(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${ids.redisPrefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  });

  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // The benchmark is the operator's own load generator: up to 10 pushes a second, past the per-client limit.
    PUSH_RATE_LIMIT_MAX: '0',
    DATABASE_URL: ids.databaseUrl,
    REDIS_URL: ids.redisUrl,
    REDIS_KEY_PREFIX: ids.redisPrefix,
    KAFKA_BROKERS: brokers,
    TOPIC_PARTITIONS: String(options.partitions),
    TOPIC_STG: `${topicPrefix}stg_service`,
    TOPIC_DDS: `${topicPrefix}dds_service`,
    TOPIC_CDM: `${topicPrefix}cdm_service`,
    TOPIC_DEAD_LETTERS: `${topicPrefix}dead_letters`,
  };
  const config = loadConfig(env);

  const kafka = new Kafka({
    clientId: `pipeline-bench-${ids.runId}`,
    brokers: [brokers],
    ...kafkajsSecurity(config.kafkaSecurity),
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  await admin.connect();
  cleanups.push(() => admin.disconnect());
  const topics = [config.topics.stg, config.topics.dds, config.topics.cdm, config.topics.deadLetters];
  const existing = new Set(await admin.listTopics());
  await admin.createTopics({
    waitForLeaders: true,
    topics: topics.filter((t) => !existing.has(t)).map((topic) => ({ topic, numPartitions: options.partitions, replicationFactor: 1 })),
  });
  if (topicPrefix) cleanups.push(() => admin.deleteTopics({ topics }));

  // Services: one source, --instances of each consumer; stopped (SIGTERM) before anything else closes.
  cleanups.push(() => Promise.all(services.map((s) => s.stop())));
  services.push(await startService('source', 1, env, profiled('source')));
  for (let instance = 1; instance <= options.instances; instance++) {
    await Promise.all((['stg', 'dds', 'cdm'] as const).map(async (name) => services.push(await startService(name, instance, env, profiled(name)))));
  }
  const stages: StageGroup[] = [
    { stage: 'stg', groupId: consumerGroupId('stg'), topic: config.topics.stg },
    { stage: 'dds', groupId: consumerGroupId('dds'), topic: config.topics.dds },
    { stage: 'cdm', groupId: consumerGroupId('cdm'), topic: config.topics.cdm },
  ];
  await waitForStableGroups(admin, stages, options.instances);
  log(`services up: ${services.map((s) => `${s.label}(pid ${s.pid})`).join(' ')}`);

  const processes = new Map<string, number[]>();
  for (const s of services) processes.set(s.service, [...(processes.get(s.service) ?? []), s.pid]);
  if (brokerPid !== null) processes.set('broker', [brokerPid]);
  const rssNow = () => new Map([...processes].map(([name, pids]) => [name, Math.max(...pids.map((pid) => readMemory(pid)?.rssMb ?? 0))]));
  const cpuNow = () => new Map([...processes].map(([name, pids]) => [name, pids.reduce((sum, pid) => sum + (readCpuSeconds(pid) ?? 0), 0)]));
  // Processes that come and go are read every 500 ms: the backends serving this run's database
  // (other work uses the same server), every Postgres process, Redis.
  const trackers = {
    ownBackends: new CpuTracker(async () =>
      (await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [ids.databaseName])).rows.map(
        (r) => r.pid,
      ),
    ),
    postgres: new CpuTracker(() => pidsByCommand(['postgres'])),
    redis: new CpuTracker(() => pidsByCommand(['redis-server'])),
  };
  const sampleTrackers = () => Promise.all(Object.values(trackers).map((t) => t.sample()));
  const trackerTotals = async () => {
    await sampleTrackers();
    return { ownBackends: trackers.ownBackends.total(), postgres: trackers.postgres.total(), redis: trackers.redis.total() };
  };
  let samplesFrom = performance.now();
  const rssSamples: BenchRig['rssSamples'] = [];
  let sampling = Promise.resolve();
  const sampler = setInterval(() => {
    sampling = sampling.then(async () => {
      rssSamples.push({ t: performance.now() - samplesFrom, rss: rssNow() });
      await sampleTrackers().catch(() => undefined);
    });
  }, 500);
  cleanups.push(async () => {
    clearInterval(sampler);
    await sampling;
  });

  return {
    config,
    db,
    admin,
    services,
    stages,
    kafkaUsed,
    processes,
    cpuNow,
    rssNow,
    trackerTotals,
    rssSamples,
    restartRssSamples(at) {
      samplesFrom = at;
      rssSamples.length = 0;
    },
    async stageMetrics() {
      const byStage = new Map<string, Scraped[]>();
      for (const s of services.filter((s) => s.service !== 'source')) {
        const scraped = await scrape(s.url('/metrics'));
        if (!scraped) return null;
        byStage.set(s.service, [...(byStage.get(s.service) ?? []), scraped]);
      }
      return new Map([...byStage].map(([stage, parts]) => [stage, sum(parts)]));
    },
    batchFigures: (after, before) => (after && before ? Object.fromEntries([...after].map(([stage, a]) => [stage, difference(a, before.get(stage)!)])) : null),
  };
}

/** Our own broker unless KAFKA_BROKERS points at one; on a shared broker, topics of our own (a prefix). */
async function startKafka({ options, ids, cleanups, profiled, log }: RigContext) {
  const shared = process.env.KAFKA_BROKERS;
  if (shared) return { brokers: shared, brokerPid: null, kafkaUsed: `KAFKA_BROKERS=${shared}`, topicPrefix: `bench-${ids.runId}-` };
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-bench-broker-'));
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  let started: { brokers: string; brokerPid: number | null; kafkaUsed: string };
  if (options.kafka === 'apache') {
    const node = await startApacheKafka({ dataDir, defaultPartitions: options.partitions });
    cleanups.push(() => node.stop());
    started = { brokers: node.address, brokerPid: node.pid(), kafkaUsed: `Apache Kafka ${node.version}` };
  } else {
    const broker = await startBrokerProcess(dataDir, options.partitions, profiled('broker'));
    cleanups.push(() => broker.stop());
    started = { brokers: broker.address, brokerPid: broker.pid, kafkaUsed: 'development broker' };
  }
  log(`${started.kafkaUsed} on ${started.brokers}`);
  return { ...started, topicPrefix: '' };
}

/** Every consumer group has all its members and finished rebalancing, so phase 1 measures work. */
async function waitForStableGroups(admin: Admin, stages: readonly StageGroup[], members: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const { groups } = await admin.describeGroups(stages.map((s) => s.groupId));
    if (groups.every((g) => g.state === 'Stable' && g.members.length === members)) return;
    if (Date.now() > deadline) throw new Error(`consumer groups not stable: ${groups.map((g) => `${g.groupId} ${g.state} ${g.members.length}`).join(', ')}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
