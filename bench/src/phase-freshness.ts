// Phase 2: --rate orders/s offered for --rate-seconds, then for every CLOSED order the time from its
// production at the source to its counting in cdm, and the cores the pipeline used meanwhile.
import os from 'node:os';
import type { BenchRig } from './bench-rig.ts';
import { sampleUntilDrained } from './offset-sampler.ts';
import type { BenchOptions } from './options.ts';
import { sampleActivity } from './pg-activity.ts';
import { readMachineCpu } from './proc-stats.ts';
import { pacedPush } from './push.ts';
import type { BenchResult } from './report.ts';
import type { Scraped } from './service-metrics.ts';
import { percentiles } from './stats.ts';
import { freshnessMs, maxOrderId } from './warehouse-checks.ts';

export interface FreshnessPhase {
  freshness: NonNullable<BenchResult['freshness']>;
  percentiles: NonNullable<BenchResult['freshness_ms']>;
  parts: NonNullable<BenchResult['freshness_parts_ms']>;
  batches: BenchResult['batches'];
  pgActivity: BenchResult['pg_activity'];
  /** Orders pushed in this phase. */
  pushed: number;
}

export async function runFreshness(
  rig: BenchRig,
  options: BenchOptions,
  databaseName: string,
  metricsBefore: Map<string, Scraped> | null,
  log: (message: string) => void,
): Promise<FreshnessPhase> {
  log(`phase 2: ${options.rate} orders/s for ${options.rateSeconds} s`);
  const afterId = await maxOrderId(rig.db);
  const before = { ours: rig.cpuNow(), machine: readMachineCpu(), tracked: await rig.trackerTotals(), at: performance.now() };
  const activity = options.pgActivity ? sampleActivity(rig.db, databaseName) : null;
  const paced = await pacedPush(rig.services[0]!.url('/push'), options.rate, options.rateSeconds);
  await sampleUntilDrained(rig.admin, rig.stages, {
    startedAt: performance.now(),
    intervalMs: 100,
    timeoutMs: 300_000,
    stallMs: 60_000,
    upstreamDone: () => true,
  });
  const seconds = (performance.now() - before.at) / 1000;
  const pgActivity = activity ? await activity.stop() : undefined;
  const ours = rig.cpuNow();
  const backendCpu = (await rig.trackerTotals()).ownBackends - before.tracked.ownBackends;
  const coresByProcess: Record<string, number> = Object.fromEntries([...ours].map(([name, cpu]) => [name, (cpu - before.ours.get(name)!) / seconds]));
  coresByProcess['postgres (this database)'] = backendCpu / seconds;
  const ownCpu = Object.values(coresByProcess).reduce((sum, cores) => sum + cores, 0) * seconds;
  const machineNow = readMachineCpu();
  const machineCores =
    before.machine && machineNow ? ((machineNow.busy - before.machine.busy) / (machineNow.total - before.machine.total)) * os.cpus().length : Number.NaN;
  const batches = rig.batchFigures(await rig.stageMetrics(), metricsBefore);
  const latencies = await freshnessMs(rig.db, afterId);
  const total = percentiles(latencies.map((l) => l.total));
  log(`phase 2: p50 ${total.p50.toFixed(0)} ms, p99 ${total.p99.toFixed(0)} ms`);
  return {
    freshness: {
      offered_per_s: paced.sent / options.rateSeconds,
      seconds: paced.elapsedMs / 1000,
      orders: paced.sent,
      counted: latencies.length,
      late_ticks: paced.lateTicks,
      pipeline_cores: ownCpu / seconds,
      cores_by_process: coresByProcess,
      machine_cores: machineCores,
    },
    percentiles: total,
    parts: {
      to_stg: percentiles(latencies.map((l) => l.to_stg)),
      to_dds: percentiles(latencies.map((l) => l.to_dds)),
      to_cdm: percentiles(latencies.map((l) => l.to_cdm)),
    },
    batches,
    pgActivity,
    pushed: paced.sent,
  };
}
