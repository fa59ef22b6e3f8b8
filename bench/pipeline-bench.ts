// npm run bench [-- --orders 100000 --rate 1000 --rate-seconds 30 --instances 1 --partitions 6]
//
// The whole pipeline on this machine — the development broker or Apache Kafka (--kafka apache;
// neither when KAFKA_BROKERS is set), a fresh
// database, a Redis key prefix, the four services as separate processes — and three measurements:
//   1. throughput: --orders pushed through POST /push until every stage has committed everything and
//      the counters equal the SQL ground truth; each stage's own rate from its committed offsets;
//   2. freshness: --rate orders/s offered for --rate-seconds, time from an order's production at the
//      source (sent_dttm) to its counting committed in cdm (counted_orders.counted_at);
//   3. the limit: COPY of the rows phase 1 wrote into empty tables with the same indexes.
// Prints a table, then one JSON line (the last line of output). Exit code 1 when the counters are
// not exact: a fast wrong run is a failed run. Progress goes to stderr.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import pg from 'pg';
import { Redis } from 'ioredis';
import { ensureDatabase } from '../scripts/migrate/ensure-database.ts';
import { runMigrations } from '../scripts/migrate/run.ts';
import { loadConfig } from '../services/shared/src/config.ts';
import { dropDatabase } from '../test/support/database.ts';
import { measureCopyLimit, type CopyLimit } from './src/copy-limit.ts';
import { openDashboards } from './src/dashboard-viewers.ts';
import { measureWatchingCost, type WatchingCost } from './src/watching-cost.ts';
import type { HealthReport } from '../services/shared/src/health/health-checks.ts';
import { machineInfo } from './src/machine.ts';
import { sampleUntilDrained, type StageGroup } from './src/offset-sampler.ts';
import { parseBenchArgs, USAGE, UsageError, type BenchOptions } from './src/options.ts';
import { sampleActivity } from './src/pg-activity.ts';
import { difference, scrape, sum, type Scraped } from './src/service-metrics.ts';
import { CpuTracker, pidsByCommand, readCpuSeconds, readMachineCpu, readMemory } from './src/proc-stats.ts';
import { startApacheKafka } from '../kafka/src/apache-kafka.ts';
import { startBrokerProcess, startService, root, type ServiceInstance } from './src/processes.ts';
import { pacedPush, pushAll } from './src/push.ts';
import { formatReport, toJsonLine, type BenchResult, type ProcessFigures, type StageFigures } from './src/report.ts';
import { percentiles, stageRate } from './src/stats.ts';
import { checkExactness, freshnessMs, maxOrderId } from './src/warehouse-checks.ts';

const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

let options: BenchOptions;
try {
  options = parseBenchArgs(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  console.error(`${error.message}\n${USAGE}`);
  process.exit(2);
}

const cleanups: Array<() => Promise<unknown>> = [];
async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.reverse().splice(0)) {
    try {
      await cleanup();
    } catch (error) {
      log(`cleanup failed: ${(error as Error).message}`);
    }
  }
}
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`${signal}: stopping and cleaning up`);
    void cleanUp().then(() => process.exit(130));
  });
}

const runId = randomBytes(4).toString('hex');
const serverUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
const databaseName = `dwh_bench_${runId}`;
const databaseUrl = Object.assign(new URL(serverUrl.href), { pathname: `/${databaseName}` }).href;
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisPrefix = `bench:${runId}:`;
const profileDir = options.cpuProf.length > 0 ? path.resolve(root, options.cpuProfDir) : null;
if (profileDir) mkdirSync(profileDir, { recursive: true });
const profiled = (name: string) => (options.cpuProf.includes(name as never) ? profileDir : null);

async function main(): Promise<number> {
  // Broker: our own unless KAFKA_BROKERS points at one; on a shared broker, topics of our own.
  let brokers = process.env.KAFKA_BROKERS;
  let brokerPid: number | null = null;
  let kafkaUsed = `KAFKA_BROKERS=${brokers}`;
  const topicPrefix = brokers ? `bench-${runId}-` : '';
  if (!brokers) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pipeline-bench-broker-'));
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    if (options.kafka === 'apache') {
      const node = await startApacheKafka({ dataDir, defaultPartitions: options.partitions });
      cleanups.push(() => node.stop());
      brokerPid = node.pid();
      brokers = node.address;
      kafkaUsed = `Apache Kafka ${node.version}`;
    } else {
      const started = await startBrokerProcess(dataDir, options.partitions, profiled('broker'));
      cleanups.push(() => started.stop());
      brokerPid = started.pid;
      brokers = started.address;
      kafkaUsed = 'development broker';
    }
    log(`${kafkaUsed} on ${brokers}`);
  }

  await ensureDatabase(databaseUrl);
  if (!options.keep) cleanups.push(() => dropDatabase(databaseName));
  await runMigrations(databaseUrl);
  const db = new pg.Pool({ connectionString: databaseUrl, max: 3 });
  cleanups.push(() => db.end());
  log(`database ${databaseName}${options.keep ? ' (kept)' : ''}, redis prefix ${redisPrefix}`);

  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 2 });
  cleanups.push(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${redisPrefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  });

  const env: Record<string, string> = {
    ...(process.env as Record<string, string>),
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_KEY_PREFIX: redisPrefix,
    KAFKA_BROKERS: brokers,
    TOPIC_PARTITIONS: String(options.partitions),
    TOPIC_STG: `${topicPrefix}stg_service`,
    TOPIC_DDS: `${topicPrefix}dds_service`,
    TOPIC_CDM: `${topicPrefix}cdm_service`,
    TOPIC_DEAD_LETTERS: `${topicPrefix}dead_letters`,
  };
  const config = loadConfig(env);

  const kafka = new Kafka({ clientId: `pipeline-bench-${runId}`, brokers: [brokers], logLevel: logLevel.NOTHING });
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
  const services = runningServices;
  cleanups.push(() => Promise.all(services.map((s) => s.stop())));
  services.push(await startService('source', 1, env, profiled('source')));
  for (let instance = 1; instance <= options.instances; instance++) {
    await Promise.all((['stg', 'dds', 'cdm'] as const).map(async (name) => services.push(await startService(name, instance, env, profiled(name)))));
  }
  const stages: StageGroup[] = [
    { stage: 'stg', groupId: 'stg-service', topic: config.topics.stg },
    { stage: 'dds', groupId: 'dds-service', topic: config.topics.dds },
    { stage: 'cdm', groupId: 'cdm-service', topic: config.topics.cdm },
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
      (await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [databaseName])).rows.map(
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
  let phase1StartedAt = performance.now();
  const rssSamples: Array<{ t: number; rss: Map<string, number> }> = [];
  let sampling = Promise.resolve();
  const sampler = setInterval(() => {
    sampling = sampling.then(async () => {
      rssSamples.push({ t: performance.now() - phase1StartedAt, rss: rssNow() });
      await sampleTrackers().catch(() => undefined);
    });
  }, 500);
  cleanups.push(async () => {
    clearInterval(sampler);
    await sampling;
  });

  // Each consuming stage's own figures (GET /metrics), summed over its instances.
  const stageMetrics = async (): Promise<Map<string, Scraped> | null> => {
    const byStage = new Map<string, Scraped[]>();
    for (const s of services.filter((s) => s.service !== 'source')) {
      const scraped = await scrape(s.url('/metrics'));
      if (!scraped) return null;
      byStage.set(s.service, [...(byStage.get(s.service) ?? []), scraped]);
    }
    return new Map([...byStage].map(([stage, parts]) => [stage, sum(parts)]));
  };
  const batchFigures = (after: Map<string, Scraped> | null, before: Map<string, Scraped> | null): BenchResult['batches'] =>
    after && before ? Object.fromEntries([...after].map(([stage, a]) => [stage, difference(a, before.get(stage)!)])) : null;
  const metricsBefore = await stageMetrics();

  // What watching costs, measured where it is not lost in the noise of a loaded run
  // (bench/src/watching-cost.ts); then the dashboards stay open for the whole run.
  let watching: WatchingCost | null = null;
  let dashboards: ReturnType<typeof openDashboards> | null = null;
  if (options.viewers > 0) {
    log('watching cost: each dashboard reading repeated back to back');
    const pipelineCpu = async () => {
      const tracked = await trackerTotals();
      const ours = [...cpuNow().values()].reduce((sum, cpu) => sum + cpu, 0);
      const own = process.cpuUsage();
      return ours + tracked.postgres + tracked.redis + (own.user + own.system) / 1e6;
    };
    const [source, stg, dds, cdm] = (['source', 'stg', 'dds', 'cdm'] as const).map((name) => services.find((s) => s.service === name)!);
    watching = await measureWatchingCost(
      {
        admin,
        pool: db,
        topics: { stg: config.topics.stg, dds: config.topics.dds, cdm: config.topics.cdm },
        urls: { stg: stg!.url(''), dds: dds!.url(''), cdm: cdm!.url('') },
        // The source reads its own health in-process; over HTTP here, which costs a little more.
        ownHealth: async () => (await fetch(source!.url('/health'))).json() as Promise<HealthReport>,
      },
      source!.url('/dashboard/snapshot'),
      pipelineCpu,
    );
    dashboards = openDashboards(source!.url('/dashboard/snapshot'), options.viewers);
    log(`${options.viewers} dashboard(s) open for the whole run`);
  }

  // Phase 1: throughput.
  log(`phase 1: pushing ${options.orders} orders (${options.pushConcurrency} requests in flight)`);
  const cpuBefore = cpuNow();
  const benchCpuBefore = process.cpuUsage();
  const trackedBefore = await trackerTotals();
  const machineCpuBefore = readMachineCpu();
  const activity = options.pgActivity ? sampleActivity(db, databaseName) : null;
  const startedAt = performance.now();
  phase1StartedAt = startedAt;
  rssSamples.length = 0;
  let pushMs: number | null = null;
  let pushError: unknown = null;
  void pushAll(services[0]!.url('/push'), options.orders, options.pushConcurrency, config.push.maxN).then(
    (ms) => (pushMs = ms),
    (error: unknown) => (pushError = error),
  );
  const drained = await sampleUntilDrained(admin, stages, {
    startedAt,
    intervalMs: 100,
    timeoutMs: Math.max(300_000, options.orders * 10),
    stallMs: 60_000,
    upstreamDone: () => {
      if (pushError) throw pushError;
      return pushMs !== null;
    },
  });
  const seconds = drained.drainedMs / 1000;
  const cpuAfter = cpuNow();
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const trackedAfter = await trackerTotals();
  const machineCpuAfter = readMachineCpu();
  const pgActivity = activity ? await activity.stop() : undefined;
  log(`phase 1: drained after ${seconds.toFixed(2)} s (${(options.orders / seconds).toFixed(0)} orders/s); checking counters`);
  const stageFigures = {} as Record<'stg' | 'dds' | 'cdm', StageFigures | null>;
  for (const { stage } of stages) {
    const rate = stageRate(drained.samples[stage], drained.totals[stage]!);
    stageFigures[stage] = rate && { messages: rate.messages, per_s: rate.perSecond, start_s: rate.startMs / 1000, end_s: rate.endMs / 1000 };
  }
  const metricsAfterPhase1 = await stageMetrics();
  const exactAfterPhase1 = await checkExactness(db, options.orders);

  // The limit: COPY of what phase 1 wrote.
  let copy: CopyLimit | null = null;
  if (!options.skipCopy) {
    log('limit: COPY of the rows phase 1 wrote');
    copy = await measureCopyLimit(db, databaseUrl);
    log(`limit: ${copy.rows} rows in ${copy.seconds.toFixed(2)} s`);
  }

  // Phase 2: freshness at a fixed offered rate.
  let freshness: BenchResult['freshness'] = null;
  let freshnessFigures: BenchResult['freshness_ms'] = null;
  let freshnessParts: BenchResult['freshness_parts_ms'] = null;
  let batchesPhase2: BenchResult['batches'] = null;
  let pgActivity2: BenchResult['pg_activity'];
  let pushedTotal = options.orders;
  if (options.rate > 0 && options.rateSeconds > 0) {
    log(`phase 2: ${options.rate} orders/s for ${options.rateSeconds} s`);
    const afterId = await maxOrderId(db);
    const phase2Cpu = { ours: cpuNow(), machine: readMachineCpu(), tracked: await trackerTotals(), at: performance.now() };
    const activity2 = options.pgActivity ? sampleActivity(db, databaseName) : null;
    const paced = await pacedPush(services[0]!.url('/push'), options.rate, options.rateSeconds);
    pushedTotal += paced.sent;
    await sampleUntilDrained(admin, stages, { startedAt: performance.now(), intervalMs: 100, timeoutMs: 300_000, stallMs: 60_000, upstreamDone: () => true });
    const phase2Seconds = (performance.now() - phase2Cpu.at) / 1000;
    if (activity2) pgActivity2 = await activity2.stop();
    const ours = cpuNow();
    const backendCpu2 = (await trackerTotals()).ownBackends - phase2Cpu.tracked.ownBackends;
    const coresByProcess: Record<string, number> = Object.fromEntries(
      [...ours].map(([name, cpu]) => [name, (cpu - phase2Cpu.ours.get(name)!) / phase2Seconds]),
    );
    coresByProcess['postgres (this database)'] = backendCpu2 / phase2Seconds;
    const ownCpu = Object.values(coresByProcess).reduce((sum, cores) => sum + cores, 0) * phase2Seconds;
    const machineNow = readMachineCpu();
    const machineCores =
      phase2Cpu.machine && machineNow
        ? ((machineNow.busy - phase2Cpu.machine.busy) / (machineNow.total - phase2Cpu.machine.total)) * os.cpus().length
        : Number.NaN;
    batchesPhase2 = batchFigures(await stageMetrics(), metricsAfterPhase1);
    const latencies = await freshnessMs(db, afterId);
    freshnessFigures = percentiles(latencies.map((l) => l.total));
    freshnessParts = {
      to_stg: percentiles(latencies.map((l) => l.to_stg)),
      to_dds: percentiles(latencies.map((l) => l.to_dds)),
      to_cdm: percentiles(latencies.map((l) => l.to_cdm)),
    };
    freshness = {
      offered_per_s: paced.sent / options.rateSeconds,
      seconds: paced.elapsedMs / 1000,
      orders: paced.sent,
      counted: latencies.length,
      late_ticks: paced.lateTicks,
      pipeline_cores: ownCpu / phase2Seconds,
      cores_by_process: coresByProcess,
      machine_cores: machineCores,
    };
    log(`phase 2: p50 ${freshnessFigures.p50.toFixed(0)} ms, p99 ${freshnessFigures.p99.toFixed(0)} ms`);
  }
  const exactAtEnd = pushedTotal === options.orders ? exactAfterPhase1 : await checkExactness(db, pushedTotal);

  // Memory: peak of each process, and RSS at each quarter of phase 1 and now.
  const rssEnd = rssNow();
  const processFigures: Record<string, ProcessFigures> = {};
  const rssPeak: Record<string, number> = {};
  for (const [name, pids] of processes) {
    const peak = Math.max(...pids.map((pid) => readMemory(pid)?.peakMb ?? 0));
    rssPeak[name] = peak;
    const quarters = [0.25, 0.5, 0.75, 1].map((q) => nearest(rssSamples, q * drained.drainedMs)?.rss.get(name) ?? 0);
    const cpu = cpuAfter.get(name)! - cpuBefore.get(name)!;
    processFigures[name] = { rss_mb: peak, rss_series_mb: [...quarters, rssEnd.get(name) ?? 0], cpu_s: cpu, cores: cpu / seconds };
  }
  const backendCpu = trackedAfter.ownBackends - trackedBefore.ownBackends;
  processFigures['postgres (this database)'] = { rss_mb: Number.NaN, rss_series_mb: [], cpu_s: backendCpu, cores: backendCpu / seconds };
  for (const name of ['postgres', 'redis'] as const) {
    const cpu = trackedAfter[name] - trackedBefore[name];
    processFigures[`${name} (all, machine-wide)`] = { rss_mb: Number.NaN, rss_series_mb: [], cpu_s: cpu, cores: cpu / seconds };
  }
  const benchCpuSeconds = (benchCpu.user + benchCpu.system) / 1e6;
  processFigures['bench (this process)'] = {
    rss_mb: process.resourceUsage().maxRSS / 1024,
    rss_series_mb: [],
    cpu_s: benchCpuSeconds,
    cores: benchCpuSeconds / seconds,
  };
  if (machineCpuBefore && machineCpuAfter) {
    const busy = (machineCpuAfter.busy - machineCpuBefore.busy) / (machineCpuAfter.total - machineCpuBefore.total);
    const machineCpu = busy * os.cpus().length * seconds;
    const listed = Object.entries(processFigures).reduce((sum, [name, p]) => sum + (name === 'postgres (this database)' ? 0 : p.cpu_s), 0);
    // Other helpers' tests, the OS: what the figures above do not explain (noise on a shared machine).
    processFigures['everything else'] = { rss_mb: Number.NaN, rss_series_mb: [], cpu_s: machineCpu - listed, cores: (machineCpu - listed) / seconds };
    processFigures['machine (all processes)'] = { rss_mb: Number.NaN, rss_series_mb: [], cpu_s: machineCpu, cores: machineCpu / seconds };
  }

  const viewerFigures = dashboards ? { ...(await dashboards.close()), watching_cost: watching! } : null;
  const pipelineCpu = [...processes.keys(), 'postgres (this database)'].reduce((sum, name) => sum + (processFigures[name]?.cpu_s ?? 0), 0);
  const result: BenchResult = {
    orders: options.orders,
    seconds,
    orders_per_s: options.orders / seconds,
    cpu_us_per_order: (pipelineCpu / options.orders) * 1e6,
    push_seconds: (pushMs ?? Number.NaN) / 1000,
    stages: stageFigures,
    copy_seconds: copy?.seconds ?? null,
    copy_rows: copy?.rows ?? null,
    copy_ratio: copy ? seconds / copy.seconds : null,
    copy_tables: copy?.tables ?? [],
    freshness_ms: freshnessFigures,
    freshness_parts_ms: freshnessParts,
    batches: batchFigures(metricsAfterPhase1, metricsBefore),
    batches_phase2: batchesPhase2,
    freshness,
    rss_mb: rssPeak,
    processes: processFigures,
    dashboards: viewerFigures,
    counters_exact: exactAfterPhase1.exact && exactAtEnd.exact,
    problems: [...new Set([...exactAfterPhase1.problems, ...exactAtEnd.problems])],
    instances: options.instances,
    partitions: options.partitions,
    kafka: kafkaUsed,
    settings: {
      CONSUMER_MAX_BATCH: String(config.consumer.maxBatchMessages),
      CONSUMER_MAX_BYTES_PER_PARTITION: String(config.consumer.maxBytesPerPartition),
      CONSUMER_CONCURRENCY: String(config.consumer.partitionsConcurrently),
      PUSH_BATCH_SIZE: String(config.push.batchSize),
      push_concurrency: String(options.pushConcurrency),
      ORDER_EVENTS: config.orderEvents,
      REF_USERS: String(config.reference.users),
      REF_RESTAURANTS: String(config.reference.restaurants),
    },
    machine: await machineInfo(db),
    ...(pgActivity ? { pg_activity: pgActivity } : {}),
    ...(pgActivity2 ? { pg_activity_phase2: pgActivity2 } : {}),
  };

  log('stopping');
  await cleanUp();
  if (profileDir) log(`CPU profiles in ${profileDir}`);
  process.stdout.write(`${formatReport(result)}\n${toJsonLine(result)}\n`);
  return result.counters_exact ? 0 : 1;
}

const runningServices: ServiceInstance[] = [];

/** After a failure: each service's /health and the end of its output, to say what went wrong. */
async function reportServices(): Promise<void> {
  for (const service of runningServices) {
    let health: string;
    try {
      health = await (await fetch(service.url('/health'), { signal: AbortSignal.timeout(2000) })).text();
    } catch (error) {
      health = (error as Error).message;
    }
    log(`${service.label} /health: ${health}\n${service.output.join('').split('\n').slice(-15).join('\n')}`);
  }
}

function nearest<T extends { t: number }>(samples: readonly T[], t: number): T | undefined {
  let best: T | undefined;
  for (const sample of samples) if (!best || Math.abs(sample.t - t) < Math.abs(best.t - t)) best = sample;
  return best;
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

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await reportServices();
    await cleanUp();
    process.exit(1);
  },
);
