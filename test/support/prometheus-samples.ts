// Prometheus's text exposition read back for tests that check figures: strictly (a line that is not
// a sample fails the test).
import { parsePrometheusText as parse, type MetricSample } from '@orders-dwh/shared/metrics';

export type Sample = MetricSample;

export const parsePrometheusText = (text: string): Sample[] => parse(text, { strict: true });

/** The value of the one sample with this name whose labels include `labels`; 0 when there is none. */
export function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}
