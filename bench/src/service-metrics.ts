// What each consuming service says about its batches on GET /metrics (Prometheus text): batches,
// messages, time in batches and in database writes. Best effort: a service without the route
// yields nothing.
import { parsePrometheusText } from '@orders-dwh/shared/metrics';

export const SCRAPED = {
  consumed: 'dwh_messages_consumed_total',
  failed: 'dwh_messages_failed_total',
  batches: 'dwh_batch_size_count',
  batchSeconds: 'dwh_batch_duration_seconds_sum',
  writeSeconds: 'dwh_db_write_duration_seconds_sum',
} as const;
export type Scraped = Record<keyof typeof SCRAPED, number>;

/** Sum over labels of each scraped metric in a Prometheus text exposition. */
export function parseMetrics(text: string): Scraped {
  const totals = Object.fromEntries(Object.keys(SCRAPED).map((k) => [k, 0])) as Scraped;
  const byName = new Map(Object.entries(SCRAPED).map(([key, name]) => [name as string, key as keyof Scraped]));
  for (const sample of parsePrometheusText(text)) {
    const key = byName.get(sample.name);
    if (key) totals[key] += sample.value;
  }
  return totals;
}

export async function scrape(url: string): Promise<Scraped | null> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(3000) });
    return response.ok ? parseMetrics(await response.text()) : null;
  } catch {
    return null;
  }
}

export function difference(after: Scraped, before: Scraped): Scraped {
  return Object.fromEntries(Object.keys(SCRAPED).map((k) => [k, after[k as keyof Scraped] - before[k as keyof Scraped]])) as Scraped;
}

export function sum(parts: readonly Scraped[]): Scraped {
  return Object.fromEntries(Object.keys(SCRAPED).map((k) => [k, parts.reduce((s, p) => s + p[k as keyof Scraped], 0)])) as Scraped;
}
