// The benchmark's result: a readable table, then one JSON line (always the last line of output).
import type { MachineInfo } from './machine.ts';
import type { Scraped } from './service-metrics.ts';
import type { ViewerFigures } from './dashboard-viewers.ts';
import type { Percentiles } from './stats.ts';

export interface StageFigures {
  messages: number;
  per_s: number;
  /** seconds after the first /push: when the stage started moving, when it had committed everything */
  start_s: number;
  end_s: number;
}

export interface ProcessFigures {
  /** peak resident memory (VmHWM), MiB; max over a service's instances */
  rss_mb: number;
  /** resident memory at each quarter of phase 1 and at the end of the run, MiB */
  rss_series_mb: number[];
  /** CPU seconds during phase 1, summed over instances, and the same per wall second of phase 1 */
  cpu_s: number;
  cores: number;
}

export interface BenchResult {
  orders: number;
  seconds: number;
  orders_per_s: number;
  /** CPU of the services, the broker and this database's Postgres backends in phase 1, per order */
  cpu_us_per_order: number;
  push_seconds: number;
  stages: Record<'stg' | 'dds' | 'cdm', StageFigures | null>;
  copy_seconds: number | null;
  copy_rows: number | null;
  copy_ratio: number | null;
  copy_tables: Array<{ table: string; rows: number; ms: number }>;
  freshness_ms: Percentiles | null;
  /** the same split by hop: production → stg batch start → dds batch start → counted in cdm */
  freshness_parts_ms: { to_stg: Percentiles; to_dds: Percentiles; to_cdm: Percentiles } | null;
  freshness: {
    offered_per_s: number;
    seconds: number;
    orders: number;
    counted: number;
    late_ticks: number;
    /** cores used during phase 2 by the pipeline (services, broker, its Postgres backends) and by the whole machine */
    pipeline_cores: number;
    machine_cores: number;
    cores_by_process: Record<string, number>;
  } | null;
  /** per consuming stage, from its /metrics: batches, messages and time spent, in phase 1 and phase 2 */
  batches: Record<string, Scraped> | null;
  batches_phase2: Record<string, Scraped> | null;
  rss_mb: Record<string, number>;
  processes: Record<string, ProcessFigures>;
  /** dashboards kept open during the run (--viewers), and how fast their snapshot answered */
  dashboards?: ViewerFigures | null;
  counters_exact: boolean;
  problems: string[];
  instances: number;
  partitions: number;
  /** which Kafka the run used: "development broker", "Apache Kafka 3.9.1" or the KAFKA_BROKERS it attached to */
  kafka: string;
  settings: Record<string, string>;
  machine: MachineInfo;
  pg_activity?: Array<{ wait: string; share: number }>;
  pg_activity_phase2?: Array<{ wait: string; share: number }>;
}

const REQUIRED_KEYS = ['orders', 'seconds', 'orders_per_s', 'copy_seconds', 'copy_ratio', 'freshness_ms', 'rss_mb', 'counters_exact'] as const;

const round = (value: number, digits = 2) => (Number.isFinite(value) ? Math.round(value * 10 ** digits) / 10 ** digits : value);

/** One line of JSON, numbers rounded, every required key present (null when a phase was skipped). */
export function toJsonLine(result: BenchResult): string {
  const line = JSON.stringify(result, (_key, value: unknown) => (typeof value === 'number' ? round(value) : value));
  const parsed = JSON.parse(line) as Record<string, unknown>;
  for (const key of REQUIRED_KEYS) if (!(key in parsed)) throw new Error(`result lacks ${key}`);
  if (line.includes('\n')) throw new Error('the JSON line must be one line');
  return line;
}

function table(header: string[], rows: Array<Array<string | number>>): string {
  const cells = [header, ...rows.map((row) => row.map((cell) => (typeof cell === 'number' ? fmt(cell) : cell)))];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

function fmt(value: number): string {
  if (!Number.isFinite(value)) return '-';
  if (Number.isInteger(value) || Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

export function formatReport(r: BenchResult): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`machine: ${m.cores} cores (${m.cpu}), ${m.memory_gb} GB, ${m.os}; Node ${m.node}, PostgreSQL ${m.postgres}`);
  out.push(
    `run: ${r.kafka}, ${r.instances} instance(s) of each consumer, ${r.partitions} partitions; ${Object.entries(r.settings)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  );
  out.push('');
  out.push(
    `phase 1 — ${fmt(r.orders)} orders end to end: ${fmt(r.seconds)} s, ${fmt(r.orders_per_s)} orders/s (push done after ${fmt(r.push_seconds)} s); ` +
      `${fmt(r.cpu_us_per_order)} µs of CPU per order (services, broker, Postgres backends)`,
  );
  out.push(
    table(
      ['stage', 'messages', 'msg/s', 'moving at s', 'done at s'],
      (['stg', 'dds', 'cdm'] as const).map((stage) => {
        const s = r.stages[stage];
        return s ? [stage, s.messages, s.per_s, s.start_s, s.end_s] : [stage, '-', '-', '-', '-'];
      }),
    ),
  );
  out.push('');
  if (r.copy_seconds !== null) {
    out.push(
      `limit — COPY of the ${fmt(r.copy_rows ?? 0)} rows phase 1 wrote, into empty tables with the same indexes: ${fmt(r.copy_seconds)} s; pipeline / COPY = ${fmt(r.copy_ratio ?? Number.NaN)}`,
    );
    out.push(
      table(
        ['table', 'rows', 'COPY ms'],
        r.copy_tables.map((t) => [t.table, t.rows, t.ms]),
      ),
    );
    out.push('');
  }
  if (r.freshness && r.freshness_ms) {
    const f = r.freshness;
    out.push(
      `phase 2 — freshness at ${fmt(f.offered_per_s)} orders/s for ${fmt(f.seconds)} s (${fmt(f.orders)} orders, ${fmt(f.counted)} CLOSED counted, ${f.late_ticks} late ticks; ` +
        `pipeline used ${fmt(f.pipeline_cores)} cores, the machine ${fmt(f.machine_cores)}), production → committed in cdm:`,
    );
    const row = (label: string, p: Percentiles) => [label, p.p50, p.p95, p.p99, p.max];
    const parts = r.freshness_parts_ms;
    const partRows = parts
      ? [row('  source → stg batch', parts.to_stg), row('  stg batch → dds batch', parts.to_dds), row('  dds batch → cdm commit', parts.to_cdm)]
      : [];
    out.push(table(['ms', 'p50', 'p95', 'p99', 'max'], [row('freshness', r.freshness_ms), ...partRows]));
    out.push(
      `cores used in phase 2: ${Object.entries(f.cores_by_process)
        .map(([name, cores]) => `${name} ${fmt(cores)}`)
        .join(', ')}`,
    );
    out.push('');
  }
  for (const [title, batches] of [
    ['phase 1', r.batches],
    ['phase 2', r.batches_phase2],
  ] as const) {
    if (!batches) continue;
    out.push(`batches in ${title}, from each service's /metrics (per batch: messages, ms from fetch to offset commit, ms in the database transaction):`);
    out.push(
      table(
        ['stage', 'batches', 'messages', 'msg/batch', 'batch ms', 'db ms', 'failed'],
        Object.entries(batches).map(([stage, b]) => [
          stage,
          b.batches,
          b.consumed,
          b.batches > 0 ? b.consumed / b.batches : 0,
          b.batches > 0 ? (b.batchSeconds * 1000) / b.batches : 0,
          b.batches > 0 ? (b.writeSeconds * 1000) / b.batches : 0,
          b.failed,
        ]),
      ),
    );
    out.push('');
  }
  out.push('processes — peak RSS, RSS at 25/50/75/100 % of phase 1 and at the end, CPU during phase 1:');
  out.push(
    table(
      ['process', 'peak MiB', 'RSS series MiB', 'CPU s', 'cores'],
      Object.entries(r.processes).map(([name, p]) => [name, p.rss_mb, p.rss_series_mb.map((v) => v.toFixed(0)).join(' / '), p.cpu_s, p.cores]),
    ),
  );
  for (const [phase, activity] of [
    ['phase 1', r.pg_activity],
    ['phase 2', r.pg_activity_phase2],
  ] as const) {
    if (!activity || activity.length === 0) continue;
    out.push('');
    out.push(`busy Postgres backends of the run, sampled during ${phase} (share of samples):`);
    out.push(
      table(
        ['state / wait event', 'share'],
        activity.map((a) => [a.wait, `${(a.share * 100).toFixed(1)} %`]),
      ),
    );
  }
  out.push('');
  if (r.dashboards) {
    const d = r.dashboards;
    out.push(
      `dashboards — ${d.viewers} open for the whole run: ${fmt(d.snapshots)} snapshots, ${d.failures} failed` +
        (d.ms ? `, answered in p50 ${fmt(d.ms.p50)} ms, p99 ${fmt(d.ms.p99)} ms` : ''),
    );
    if (d.watching_cost) {
      const w = d.watching_cost;
      out.push(
        `  one reading of the offsets costs ${fmt(w.offsets_ms)} ms of CPU, of the status ${fmt(w.status_ms)} ms, a page's poll ${fmt(w.snapshot_ms)} ms: ` +
          `one open page costs ${fmt(w.per_second_ms)} ms of CPU per second, ${fmt((w.per_second_ms / 1000 / r.machine.cores) * 100)}% of this machine`,
      );
    }
  }
  out.push(
    r.counters_exact
      ? 'counters: exact (equal to the SQL ground truth; every order once in stg and dds; no dead letters)'
      : `counters: NOT EXACT — ${r.problems.join('; ')}`,
  );
  return out.join('\n');
}
