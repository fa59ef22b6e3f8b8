// Phase 1: --orders pushed through POST /push until every stage has committed everything; each
// stage's own rate from its committed offsets; the CPU every process used meanwhile.
import type { BenchRig } from './bench-rig.ts';
import { sampleUntilDrained } from './offset-sampler.ts';
import type { BenchOptions } from './options.ts';
import { sampleActivity } from './pg-activity.ts';
import { readMachineCpu } from './proc-stats.ts';
import { pushAll } from './push.ts';
import type { BenchResult, StageFigures } from './report.ts';
import type { Scraped } from './service-metrics.ts';
import { stageRate } from './stats.ts';
import { checkExactness } from './warehouse-checks.ts';

type MachineCpu = ReturnType<typeof readMachineCpu>;
type Tracked = Awaited<ReturnType<BenchRig['trackerTotals']>>;

export interface Throughput {
  seconds: number;
  drainedMs: number;
  pushMs: number | null;
  stages: Record<'stg' | 'dds' | 'cdm', StageFigures | null>;
  /** CPU seconds of each of our processes, this process, the tracked ones and the machine, before and after. */
  cpu: { before: Map<string, number>; after: Map<string, number> };
  benchCpu: NodeJS.CpuUsage;
  tracked: { before: Tracked; after: Tracked };
  machine: { before: MachineCpu; after: MachineCpu };
  pgActivity: BenchResult['pg_activity'];
  metrics: { before: Map<string, Scraped> | null; after: Map<string, Scraped> | null };
  exact: Awaited<ReturnType<typeof checkExactness>>;
}

export async function runThroughput(rig: BenchRig, options: BenchOptions, databaseName: string, log: (message: string) => void): Promise<Throughput> {
  const metricsBefore = await rig.stageMetrics();
  log(`phase 1: pushing ${options.orders} orders (${options.pushConcurrency} requests in flight)`);
  const cpuBefore = rig.cpuNow();
  const benchCpuBefore = process.cpuUsage();
  const trackedBefore = await rig.trackerTotals();
  const machineCpuBefore = readMachineCpu();
  const activity = options.pgActivity ? sampleActivity(rig.db, databaseName) : null;
  const startedAt = performance.now();
  rig.restartRssSamples(startedAt);
  let pushMs: number | null = null;
  let pushError: unknown = null;
  void pushAll(rig.services[0]!.url('/push'), options.orders, options.pushConcurrency, rig.config.push.maxN).then(
    (ms) => (pushMs = ms),
    (error: unknown) => (pushError = error),
  );
  const drained = await sampleUntilDrained(rig.admin, rig.stages, {
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
  const cpuAfter = rig.cpuNow();
  const benchCpu = process.cpuUsage(benchCpuBefore);
  const trackedAfter = await rig.trackerTotals();
  const machineCpuAfter = readMachineCpu();
  const pgActivity = activity ? await activity.stop() : undefined;
  log(`phase 1: drained after ${seconds.toFixed(2)} s (${(options.orders / seconds).toFixed(0)} orders/s); checking counters`);
  const stages = {} as Throughput['stages'];
  for (const { stage } of rig.stages) {
    const rate = stageRate(drained.samples[stage], drained.totals[stage]!);
    stages[stage] = rate && { messages: rate.messages, per_s: rate.perSecond, start_s: rate.startMs / 1000, end_s: rate.endMs / 1000 };
  }
  return {
    seconds,
    drainedMs: drained.drainedMs,
    pushMs,
    stages,
    cpu: { before: cpuBefore, after: cpuAfter },
    benchCpu,
    tracked: { before: trackedBefore, after: trackedAfter },
    machine: { before: machineCpuBefore, after: machineCpuAfter },
    pgActivity,
    metrics: { before: metricsBefore, after: await rig.stageMetrics() },
    exact: await checkExactness(rig.db, options.orders),
  };
}
