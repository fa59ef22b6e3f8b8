import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { parsePrometheusText } from '../../src/metrics/prometheus-text.ts';

describe('parsePrometheusText', () => {
  it('reads back what prom-client exposes, labels with quotes, backslashes and newlines included', async () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'x_total', help: 'x', labelNames: ['topic'], registers: [registry] });
    const tricky = 'a "quoted" \\ topic\nwith } brace';
    counter.inc({ topic: tricky }, 3);
    counter.inc({ topic: 'plain' }, 1.5);
    const histogram = new Histogram({ name: 'h_seconds', help: 'h', buckets: [0.1, 1], registers: [registry] });
    for (const value of [0.05, 0.5, 5]) histogram.observe(value);

    const samples = parsePrometheusText(await registry.metrics(), { strict: true });
    expect(samples.filter((s) => s.name === 'x_total')).toEqual([
      { name: 'x_total', labels: { topic: tricky }, value: 3 },
      { name: 'x_total', labels: { topic: 'plain' }, value: 1.5 },
    ]);
    expect(samples.filter((s) => s.name === 'h_seconds_bucket').map((s) => [s.labels.le, s.value])).toEqual([
      ['0.1', 1],
      ['1', 2],
      ['+Inf', 3],
    ]);
  });

  it('reads samples with a timestamp, skips comments and blank lines, and refuses other lines only when strict', () => {
    const text = '# HELP a A\n# TYPE a gauge\na 1 1700000000000\n\nnot a sample line\nb{x="1"} -Inf\n';
    expect(parsePrometheusText(text)).toEqual([
      { name: 'a', labels: {}, value: 1 },
      { name: 'b', labels: { x: '1' }, value: -Infinity },
    ]);
    expect(() => parsePrometheusText(text, { strict: true })).toThrow('not a Prometheus sample line: not a sample line');
  });
});
