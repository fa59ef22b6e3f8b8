import { describe, expect, it } from 'vitest';
import { difference, parseMetrics, sum } from '../src/service-metrics.ts';

const exposition = `# HELP dwh_messages_consumed_total Messages consumed.
# TYPE dwh_messages_consumed_total counter
dwh_messages_consumed_total{topic="stg_service"} 700
dwh_messages_consumed_total{topic="other"} 300
dwh_batch_size_count{topic="stg_service"} 4
dwh_batch_size_sum{topic="stg_service"} 1000
dwh_batch_duration_seconds_sum{topic="stg_service"} 1.5
dwh_db_write_duration_seconds_sum{topic="stg_service"} 0.5
dwh_messages_failed_total{topic="stg_service",step="kafka"} 2
process_cpu_seconds_total 12
`;

describe('service metrics', () => {
  it('sums each scraped metric over its labels and ignores the rest', () => {
    expect(parseMetrics(exposition)).toEqual({ consumed: 1000, failed: 2, batches: 4, batchSeconds: 1.5, writeSeconds: 0.5 });
  });

  it('reads zeros from an empty exposition', () => {
    expect(parseMetrics('')).toEqual({ consumed: 0, failed: 0, batches: 0, batchSeconds: 0, writeSeconds: 0 });
  });

  it('subtracts one reading from another and adds instances up', () => {
    const before = parseMetrics(exposition);
    const after = { ...before, consumed: 1500, batches: 6 };
    expect(difference(after, before)).toMatchObject({ consumed: 500, batches: 2, failed: 0 });
    expect(sum([before, before]).consumed).toBe(2000);
  });
});
