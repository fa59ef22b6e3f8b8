import { describe, expect, it } from 'vitest';
import { formatReport, toJsonLine, type BenchResult } from '../src/report.ts';

function result(overrides: Partial<BenchResult> = {}): BenchResult {
  return {
    orders: 1000,
    seconds: 2.123456,
    orders_per_s: 1000 / 2.123456,
    cpu_us_per_order: 450,
    push_seconds: 1.5,
    stages: { stg: { messages: 1000, per_s: 800, start_s: 0.1, end_s: 1.35 }, dds: null, cdm: null },
    copy_seconds: 0.5,
    copy_rows: 9000,
    copy_ratio: 2.123456 / 0.5,
    copy_tables: [{ table: 'stg.order_events', rows: 1000, ms: 100 }],
    freshness_ms: { p50: 100, p95: 200, p99: 300, max: 400 },
    freshness_parts_ms: null,
    batches: null,
    batches_phase2: null,
    freshness: {
      offered_per_s: 1000,
      seconds: 30,
      orders: 30000,
      counted: 27000,
      late_ticks: 0,
      pipeline_cores: 0.6,
      machine_cores: 1.2,
      cores_by_process: { stg: 0.2 },
    },
    rss_mb: { source: 180.5, stg: 150, dds: 160, cdm: 140 },
    processes: { stg: { rss_mb: 150, rss_series_mb: [100, 110, 120, 130, 140], cpu_s: 1, cores: 0.5 } },
    counters_exact: true,
    problems: [],
    instances: 1,
    partitions: 6,
    kafka: 'Apache Kafka 3.9.1',
    settings: { CONSUMER_MAX_BATCH: '2000' },
    machine: { cores: 2, cpu: 'x', memory_gb: 8, os: 'Linux', node: 'v20', postgres: '15' },
    ...overrides,
  };
}

describe('toJsonLine', () => {
  it('is one line of JSON with the figures the issue asks for, rounded', () => {
    const line = toJsonLine(result());
    expect(line).not.toContain('\n');
    const parsed = JSON.parse(line);
    for (const key of ['orders', 'seconds', 'orders_per_s', 'copy_seconds', 'copy_ratio', 'freshness_ms', 'rss_mb', 'counters_exact']) {
      expect(parsed).toHaveProperty(key);
    }
    expect(parsed.seconds).toBe(2.12);
    expect(parsed.copy_ratio).toBe(4.25);
    expect(parsed.freshness_ms).toEqual({ p50: 100, p95: 200, p99: 300, max: 400 });
    expect(parsed.rss_mb.source).toBe(180.5);
  });

  it('keeps skipped phases as null rather than dropping the keys', () => {
    const parsed = JSON.parse(toJsonLine(result({ copy_seconds: null, copy_ratio: null, freshness_ms: null, freshness: null })));
    expect(parsed.copy_ratio).toBeNull();
    expect(parsed.freshness_ms).toBeNull();
  });
});

describe('formatReport', () => {
  it('says plainly when the counters are not exact', () => {
    expect(formatReport(result())).toContain('counters: exact');
    expect(formatReport(result())).toContain('run: Apache Kafka 3.9.1, 1 instance(s)');
    const text = formatReport(result({ counters_exact: false, problems: ['3 counters differ from the ground truth'] }));
    expect(text).toContain('NOT EXACT — 3 counters differ from the ground truth');
  });

  it('lists every stage, a dash for one without figures', () => {
    const text = formatReport(result());
    expect(text).toMatch(/stg\s+1,000\s+800/);
    expect(text).toMatch(/dds\s+-/);
  });
});
