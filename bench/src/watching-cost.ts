// What one open dashboard costs the pipeline, in CPU: each kind of reading the source makes for it
// is repeated back to back and the CPU of every process involved (services, broker, Postgres, Redis
// and this one, standing in for the source) is divided by the repetitions, less what the idle
// pipeline uses in the same time. Per second of watching: one offsets reading, one status reading
// every STATUS_INTERVAL_MS, one snapshot answer per open page.
import type { HealthReport } from '@orders-dwh/shared/health';
import { OFFSETS_INTERVAL_MS, STATUS_INTERVAL_MS } from '../../services/source/src/dashboard/dashboard-feed.ts';
import { readOffsets, readStatus, type PipelineSources } from '../../services/source/src/dashboard/pipeline-reading.ts';
import type { BenchRig } from './bench-rig.ts';
import { openDashboards } from './dashboard-viewers.ts';

export interface WatchingCost {
  /** CPU ms of one reading of each kind, and of answering one page's poll */
  offsets_ms: number;
  status_ms: number;
  snapshot_ms: number;
  /** CPU ms per second with one page open */
  per_second_ms: number;
}

const REPETITIONS = 100;

/** cpuSeconds: the CPU used so far by every process of the pipeline, this one included. */
export async function measureWatchingCost(sources: PipelineSources, snapshotUrl: string, cpuSeconds: () => Promise<number>): Promise<WatchingCost> {
  const idleCores = await (async () => {
    const before = await cpuSeconds();
    const startedAt = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 5000));
    return ((await cpuSeconds()) - before) / ((performance.now() - startedAt) / 1000);
  })();
  const perCall = async (call: () => Promise<unknown>) => {
    await call();
    const before = await cpuSeconds();
    const startedAt = performance.now();
    for (let i = 0; i < REPETITIONS; i++) await call();
    const seconds = (performance.now() - startedAt) / 1000;
    return Math.max(0, ((await cpuSeconds()) - before - idleCores * seconds) / REPETITIONS) * 1000;
  };
  const offsets_ms = await perCall(() => readOffsets(sources));
  const status_ms = await perCall(() => readStatus(sources));
  const snapshot_ms = await perCall(async () => (await fetch(snapshotUrl)).arrayBuffer());
  return {
    offsets_ms,
    status_ms,
    snapshot_ms,
    per_second_ms: offsets_ms * (1000 / OFFSETS_INTERVAL_MS) + status_ms * (1000 / STATUS_INTERVAL_MS) + snapshot_ms,
  };
}

/** Measures what watching costs on the rig (idle), then opens `viewers` dashboards for the rest of the run. */
export async function watchPipeline(rig: BenchRig, viewers: number): Promise<{ cost: WatchingCost; dashboards: ReturnType<typeof openDashboards> }> {
  const pipelineCpu = async () => {
    const tracked = await rig.trackerTotals();
    const ours = [...rig.cpuNow().values()].reduce((sum, cpu) => sum + cpu, 0);
    const own = process.cpuUsage();
    return ours + tracked.postgres + tracked.redis + (own.user + own.system) / 1e6;
  };
  const [source, stg, dds, cdm] = (['source', 'stg', 'dds', 'cdm'] as const).map((name) => rig.services.find((s) => s.service === name)!);
  const { topics } = rig.config;
  const cost = await measureWatchingCost(
    {
      admin: rig.admin,
      pool: rig.db,
      topics: { stg: topics.stg, dds: topics.dds, cdm: topics.cdm },
      urls: { stg: stg!.url(''), dds: dds!.url(''), cdm: cdm!.url('') },
      // The source reads its own health in-process; over HTTP here, which costs a little more.
      ownHealth: async () => (await fetch(source!.url('/health'))).json() as Promise<HealthReport>,
    },
    source!.url('/dashboard/snapshot'),
    pipelineCpu,
  );
  return { cost, dashboards: openDashboards(source!.url('/dashboard/snapshot'), viewers) };
}
