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
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { startRig } from './src/bench-rig.ts';
import { type CopyLimit, measureCopyLimit } from './src/copy-limit.ts';
import { machineInfo } from './src/machine.ts';
import { type BenchOptions, parseBenchArgs, USAGE, UsageError } from './src/options.ts';
import { runFreshness } from './src/phase-freshness.ts';
import { runThroughput } from './src/phase-throughput.ts';
import { processFigures } from './src/process-figures.ts';
import { root, type ServiceInstance } from './src/processes.ts';
import { type BenchResult, formatReport, toJsonLine } from './src/report.ts';
import { checkExactness } from './src/warehouse-checks.ts';
import { watchPipeline } from './src/watching-cost.ts';

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
  const rig = await startRig({ options, ids: { runId, databaseName, databaseUrl, redisUrl, redisPrefix }, cleanups, services: runningServices, profiled, log });

  // What watching costs, measured where it is not lost in the noise of a loaded run; then the
  // dashboards stay open for the whole run.
  const watching = options.viewers > 0 ? await watchPipeline(rig, options.viewers) : null;
  if (watching) log(`${options.viewers} dashboard(s) open for the whole run`);

  const phase1 = await runThroughput(rig, options, databaseName, log);

  let copy: CopyLimit | null = null;
  if (!options.skipCopy) {
    log('limit: COPY of the rows phase 1 wrote');
    copy = await measureCopyLimit(rig.db, databaseUrl);
    log(`limit: ${copy.rows} rows in ${copy.seconds.toFixed(2)} s`);
  }

  const phase2 = options.rate > 0 && options.rateSeconds > 0 ? await runFreshness(rig, options, databaseName, phase1.metrics.after, log) : null;
  const pushedTotal = options.orders + (phase2?.pushed ?? 0);
  const exactAtEnd = phase2 ? await checkExactness(rig.db, pushedTotal) : phase1.exact;

  const { processes, rssPeak } = processFigures(rig, phase1);
  const dashboards = watching ? { ...(await watching.dashboards.close()), watching_cost: watching.cost } : null;
  const pipelineCpu = [...rig.processes.keys(), 'postgres (this database)'].reduce((sum, name) => sum + (processes[name]?.cpu_s ?? 0), 0);
  const { config } = rig;
  const result: BenchResult = {
    orders: options.orders,
    seconds: phase1.seconds,
    orders_per_s: options.orders / phase1.seconds,
    cpu_us_per_order: (pipelineCpu / options.orders) * 1e6,
    push_seconds: (phase1.pushMs ?? Number.NaN) / 1000,
    stages: phase1.stages,
    copy_seconds: copy?.seconds ?? null,
    copy_rows: copy?.rows ?? null,
    copy_ratio: copy ? phase1.seconds / copy.seconds : null,
    copy_tables: copy?.tables ?? [],
    freshness_ms: phase2?.percentiles ?? null,
    freshness_parts_ms: phase2?.parts ?? null,
    batches: rig.batchFigures(phase1.metrics.after, phase1.metrics.before),
    batches_phase2: phase2?.batches ?? null,
    freshness: phase2?.freshness ?? null,
    rss_mb: rssPeak,
    processes,
    dashboards,
    counters_exact: phase1.exact.exact && exactAtEnd.exact,
    problems: [...new Set([...phase1.exact.problems, ...exactAtEnd.problems])],
    instances: options.instances,
    partitions: options.partitions,
    kafka: rig.kafkaUsed,
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
    machine: await machineInfo(rig.db),
    ...(phase1.pgActivity ? { pg_activity: phase1.pgActivity } : {}),
    ...(phase2?.pgActivity ? { pg_activity_phase2: phase2.pgActivity } : {}),
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

main().then(
  (code) => process.exit(code),
  async (error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await reportServices();
    await cleanUp();
    process.exit(1);
  },
);
