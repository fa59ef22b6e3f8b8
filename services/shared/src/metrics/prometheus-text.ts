// Reads Prometheus's text exposition format (what GET /metrics answers) back into samples: for the
// dashboard and the benchmark, which read the services' figures over HTTP.

export interface MetricSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const SAMPLE_LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?\s*$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
/** Prometheus writes infinities as +Inf and -Inf, which Number() does not read. */
const SPECIAL_VALUES: Record<string, number> = { '+Inf': Infinity, '-Inf': -Infinity, Inf: Infinity };
const sampleValue = (text: string) => SPECIAL_VALUES[text] ?? Number(text);
const unescapeLabel = (value: string) => value.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));

/** Every sample of the exposition; comments and blank lines are skipped, and so are unreadable ones unless `strict`. */
export function parsePrometheusText(text: string, { strict = false } = {}): MetricSample[] {
  const samples: MetricSample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const match = SAMPLE_LINE.exec(line);
    if (!match) {
      if (strict) throw new Error(`not a Prometheus sample line: ${line}`);
      continue;
    }
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key!] = unescapeLabel(value!);
    samples.push({ name: match[1]!, labels, value: sampleValue(match[3]!) });
  }
  return samples;
}
