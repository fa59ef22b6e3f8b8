import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../../src/metrics/metrics-registry.ts';
import { partitionLag, StageMetrics, type ProcessedBatch } from '../../src/metrics/stage-metrics.ts';
import { parsePrometheusText, sampleValue } from '../../../../test/support/prometheus-samples.ts';

const batch = (overrides: Partial<ProcessedBatch> = {}): ProcessedBatch => ({
  topic: 'dds_service',
  partition: 2,
  messages: 10,
  deadLetters: 2,
  produced: [
    { topic: 'cdm_service', count: 3 },
    { topic: 'dead_letters', count: 2 },
  ],
  seconds: 0.2,
  writeSeconds: 0.05,
  highWatermark: '120',
  lastOffset: '99',
  ...overrides,
});

async function scrape(registry: Registry) {
  return parsePrometheusText(await registry.metrics());
}

describe('partitionLag', () => {
  it('counts the records after the last processed offset', () => {
    expect(partitionLag('120', '99')).toBe(20);
    expect(partitionLag('100', '99')).toBe(0);
    expect(partitionLag('9007199254741000', '9007199254740000')).toBe(999);
  });

  it('is never negative (a watermark read before the last records arrived)', () => {
    expect(partitionLag('50', '99')).toBe(0);
  });
});

describe('StageMetrics', () => {
  it("observes each message's event age in dwh_freshness_seconds, and nothing for a stage that tells none", async () => {
    const registry = new Registry();
    const metrics = new StageMetrics(registry);
    metrics.batchProcessed(batch({ topic: 'cdm_service', eventAgesSeconds: [0.02, 0.3, 4000] }));
    metrics.batchProcessed(batch({ topic: 'dds_service' }));
    const samples = await scrape(registry);
    expect(sampleValue(samples, 'dwh_freshness_seconds_count', { topic: 'cdm_service' })).toBe(3);
    expect(sampleValue(samples, 'dwh_freshness_seconds_bucket', { topic: 'cdm_service', le: '0.025' })).toBe(1);
    expect(sampleValue(samples, 'dwh_freshness_seconds_bucket', { topic: 'cdm_service', le: '3600' })).toBe(2);
    expect(sampleValue(samples, 'dwh_freshness_seconds_count', { topic: 'dds_service' })).toBe(0);
  });

  it('adds up consumed, produced and dead-lettered messages per topic', async () => {
    const registry = new Registry();
    const metrics = new StageMetrics(registry);
    metrics.batchProcessed(batch());
    metrics.batchProcessed(
      batch({
        partition: 0,
        messages: 5,
        deadLetters: 0,
        produced: [
          { topic: 'cdm_service', count: 4 },
          { topic: 'dead_letters', count: 0 },
        ],
      }),
    );
    const samples = await scrape(registry);
    expect(sampleValue(samples, 'dwh_messages_consumed_total', { topic: 'dds_service' })).toBe(15);
    expect(sampleValue(samples, 'dwh_messages_produced_total', { topic: 'cdm_service' })).toBe(7);
    expect(sampleValue(samples, 'dwh_messages_produced_total', { topic: 'dead_letters' })).toBe(2);
    expect(sampleValue(samples, 'dwh_dead_letters_total', { topic: 'dds_service' })).toBe(2);
  });

  it('observes batch sizes and durations, and database write durations', async () => {
    const registry = new Registry();
    const metrics = new StageMetrics(registry);
    metrics.batchProcessed(batch({ messages: 10, seconds: 0.2, writeSeconds: 0.05 }));
    metrics.batchProcessed(batch({ messages: 700, seconds: 1.5, writeSeconds: 1.2 }));
    const samples = await scrape(registry);
    expect(sampleValue(samples, 'dwh_batch_size_count', { topic: 'dds_service' })).toBe(2);
    expect(sampleValue(samples, 'dwh_batch_size_sum', { topic: 'dds_service' })).toBe(710);
    expect(sampleValue(samples, 'dwh_batch_size_bucket', { topic: 'dds_service', le: '500' })).toBe(1);
    expect(sampleValue(samples, 'dwh_batch_duration_seconds_sum', { topic: 'dds_service' })).toBeCloseTo(1.7);
    expect(sampleValue(samples, 'dwh_db_write_duration_seconds_sum', { topic: 'dds_service' })).toBeCloseTo(1.25);
    expect(sampleValue(samples, 'dwh_db_write_duration_seconds_bucket', { topic: 'dds_service', le: '0.1' })).toBe(1);
  });

  it('keeps the lag of each partition as of its last batch, and forgets it on reassignment', async () => {
    const registry = new Registry();
    const metrics = new StageMetrics(registry);
    metrics.batchProcessed(batch({ partition: 0, highWatermark: '500', lastOffset: '199' }));
    metrics.batchProcessed(batch({ partition: 1, highWatermark: '40', lastOffset: '39' }));
    let samples = await scrape(registry);
    expect(sampleValue(samples, 'dwh_consumer_lag', { topic: 'dds_service', partition: '0' })).toBe(300);
    expect(sampleValue(samples, 'dwh_consumer_lag', { topic: 'dds_service', partition: '1' })).toBe(0);

    metrics.batchProcessed(batch({ partition: 0, highWatermark: '520', lastOffset: '509' }));
    samples = await scrape(registry);
    expect(sampleValue(samples, 'dwh_consumer_lag', { topic: 'dds_service', partition: '0' })).toBe(10);

    metrics.partitionsReassigned();
    samples = await scrape(registry);
    expect(samples.filter((s) => s.name === 'dwh_consumer_lag')).toEqual([]);
  });

  it('counts the messages of failed attempts per topic and step', async () => {
    const registry = new Registry();
    const metrics = new StageMetrics(registry);
    metrics.batchFailed('stg_service', 'postgres', 40);
    metrics.batchFailed('stg_service', 'postgres', 40);
    metrics.batchFailed('stg_service', 'kafka', 3);
    const samples = await scrape(registry);
    expect(sampleValue(samples, 'dwh_messages_failed_total', { topic: 'stg_service', step: 'postgres' })).toBe(80);
    expect(sampleValue(samples, 'dwh_messages_failed_total', { topic: 'stg_service', step: 'kafka' })).toBe(3);
  });
});

describe('createMetricsRegistry', () => {
  it("labels every sample with the service and includes Node's process metrics", async () => {
    const registry = createMetricsRegistry('cdm');
    new StageMetrics(registry).batchProcessed(batch());
    const samples = await scrape(registry);
    expect(samples.length).toBeGreaterThan(20);
    expect(samples.every((s) => s.labels.service === 'cdm')).toBe(true);
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(
        samples.some((s) => s.name === name),
        name,
      ).toBe(true);
    }
  });
});
