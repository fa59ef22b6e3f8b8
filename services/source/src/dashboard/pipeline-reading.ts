// The dashboard's readings of the pipeline: each layer's committed and end offsets (Kafka), and,
// less often, each service's health, cdm's freshness histogram, dead letters and the top products
// (Postgres). Every part is read on its own with a deadline: a part that fails is reported in
// `problems` and left null, and the rest is still read.
import type { Admin } from 'kafkajs';
import type pg from 'pg';
import { failingChecks, withTimeout, type HealthReport } from '@orders-dwh/shared/health';
import { reasonOf } from '@orders-dwh/shared/http';
import { committedTotal, consumerGroupId, endOffsetTotal } from '@orders-dwh/shared/kafka';
import { parsePrometheusText, FRESHNESS_METRIC } from '@orders-dwh/shared/metrics';
import { histogramBuckets, type Buckets } from './histogram.ts';

export const LAYERS = ['stg', 'dds', 'cdm'] as const;
export type Layer = (typeof LAYERS)[number];
export type ServiceName = 'source' | Layer;

const PART_TIMEOUT_MS = 2000;

export interface LayerOffsets {
  layer: Layer;
  topic: string;
  groupId: string;
  /** Sum of the group's committed offsets over the topic's partitions: messages processed. */
  committed: number | null;
  /** Sum of the topic's end offsets: messages written to it. */
  end: number | null;
}

export interface ServiceHealth {
  name: ServiceName;
  status: 'ok' | 'failing' | 'unreachable';
  /** The failing dependencies, by name (kafka, postgres, redis, consumer). */
  failing: string[];
  /** What is wrong, in words: each failing check's error, or why the service did not answer. */
  detail: string | null;
}

export interface DeadLetterSummary {
  pending: number;
  redriven: number;
  pendingByService: Record<string, number>;
  latest: Array<{ id: number; service: string; reason: string; failedAt: string }>;
}

export interface TopLists {
  products: Array<{ product: string; category: string; orders: number }>;
  categories: Array<{ category: string; productOrders: number }>;
}

/** What changes fast and costs little: read every second. */
export interface OffsetsReading {
  /** ms since the epoch */
  at: number;
  layers: LayerOffsets[];
  /** Parts that could not be read, and why. */
  problems: string[];
}

/** What needs no second-by-second view and costs more (every service's health checks): read every few seconds. */
export interface StatusReading {
  at: number;
  services: ServiceHealth[];
  /** cdm's dwh_freshness_seconds, cumulative since it started (empty before its first count); null when unreadable. */
  freshness: Buckets | null;
  deadLetters: DeadLetterSummary | null;
  top: TopLists | null;
  problems: string[];
}

export interface PipelineSources {
  admin: Admin;
  pool: pg.Pool;
  topics: Record<Layer, string>;
  /** Base URL of each consuming service (STG_URL ...). */
  urls: Record<Layer, string>;
  /** The source service's own health checks. */
  ownHealth(): Promise<HealthReport>;
}

/** Runs one part with the deadline; its failure becomes a problem named after the part. */
async function part<T>(name: string, problems: string[], read: () => Promise<T>): Promise<T | null> {
  try {
    return await withTimeout(read(), name, PART_TIMEOUT_MS);
  } catch (error) {
    problems.push(`${name}: ${reasonOf(error)}`);
    return null;
  }
}

export async function readOffsets(sources: PipelineSources): Promise<OffsetsReading> {
  const problems: string[] = [];
  const at = Date.now();
  const layers = await Promise.all(LAYERS.map((layer) => readLayerOffsets(sources, layer, problems)));
  return { at, layers, problems };
}

export async function readStatus(sources: PipelineSources): Promise<StatusReading> {
  const problems: string[] = [];
  const at = Date.now();
  const [services, freshness, deadLetters, top] = await Promise.all([
    readServicesHealth(sources),
    part('cdm metrics', problems, () => readFreshness(sources.urls.cdm)),
    part('dead letters', problems, () => readDeadLetters(sources.pool)),
    part('top products', problems, () => readTopLists(sources.pool)),
  ]);
  return { at, services, freshness, deadLetters, top, problems };
}

async function readLayerOffsets({ admin, topics }: PipelineSources, layer: Layer, problems: string[]): Promise<LayerOffsets> {
  const topic = topics[layer];
  const groupId = consumerGroupId(layer);
  const [committed, end] = await Promise.all([
    part(`kafka offsets of ${groupId}`, problems, () => committedTotal(admin, groupId, topic)),
    part(`kafka end offsets of ${topic}`, problems, () => endOffsetTotal(admin, topic)),
  ]);
  return { layer, topic, groupId, committed, end };
}

async function readServicesHealth(sources: PipelineSources): Promise<ServiceHealth[]> {
  const own = fromReport('source', await sources.ownHealth());
  const others = await Promise.all(LAYERS.map((layer) => fetchHealth(layer, sources.urls[layer])));
  return [own, ...others];
}

function fromReport(name: ServiceName, report: HealthReport): ServiceHealth {
  const failing = failingChecks(report);
  return {
    name,
    status: failing.length > 0 ? 'failing' : 'ok',
    failing,
    detail: failing.length > 0 ? failing.map((check) => `${check}: ${report.checks[check]!.error ?? 'failing'}`).join('; ') : null,
  };
}

async function fetchHealth(name: Layer, baseUrl: string): Promise<ServiceHealth> {
  try {
    const response = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(PART_TIMEOUT_MS + 500) });
    const report = (await response.json()) as HealthReport;
    if (typeof report?.checks !== 'object' || report.checks === null) throw new Error(`answered ${response.status} without a health report`);
    return fromReport(name, report);
  } catch (error) {
    return { name, status: 'unreachable', failing: [], detail: `not reachable at ${baseUrl}: ${whyFetchFailed(error)}` };
  }
}

/** fetch() says only "fetch failed"; the reason (ECONNREFUSED, a timeout) is its cause. */
export function whyFetchFailed(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  const code = (cause as { code?: unknown }).code;
  return typeof code === 'string' && !reasonOf(cause).includes(code) ? `${code} ${reasonOf(cause)}` : reasonOf(cause);
}

async function readFreshness(cdmUrl: string): Promise<Buckets> {
  const response = await fetch(`${cdmUrl}/metrics`, { signal: AbortSignal.timeout(PART_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
  return histogramBuckets(parsePrometheusText(await response.text()), FRESHNESS_METRIC);
}

async function readDeadLetters(pool: pg.Pool): Promise<DeadLetterSummary> {
  const [counts, latest] = await Promise.all([
    pool.query<{ service: string; pending: string; redriven: string }>(
      `SELECT service, count(*) FILTER (WHERE redriven_at IS NULL) AS pending, count(*) FILTER (WHERE redriven_at IS NOT NULL) AS redriven
         FROM public.dead_letters GROUP BY service ORDER BY service`,
    ),
    pool.query<{ id: string; service: string; reason: string; failed_at: Date }>(
      'SELECT id, service, reason, failed_at FROM public.dead_letters WHERE redriven_at IS NULL ORDER BY id DESC LIMIT 5',
    ),
  ]);
  const pendingByService = Object.fromEntries(counts.rows.filter((r) => Number(r.pending) > 0).map((r) => [r.service, Number(r.pending)]));
  return {
    pending: counts.rows.reduce((sum, r) => sum + Number(r.pending), 0),
    redriven: counts.rows.reduce((sum, r) => sum + Number(r.redriven), 0),
    pendingByService,
    latest: latest.rows.map((r) => ({ id: Number(r.id), service: r.service, reason: r.reason, failedAt: r.failed_at.toISOString() })),
  };
}

/** From cdm.product_counters, one row per product of the catalog: small, whatever the number of orders. */
async function readTopLists(pool: pg.Pool): Promise<TopLists> {
  const [products, categories] = await Promise.all([
    pool.query<{ product_name: string; category_name: string; order_cnt: number }>(
      'SELECT product_name, category_name, order_cnt FROM cdm.product_counters ORDER BY order_cnt DESC, product_name LIMIT 10',
    ),
    pool.query<{ category_name: string; product_orders: string }>(
      'SELECT category_name, sum(order_cnt) AS product_orders FROM cdm.product_counters GROUP BY category_name ORDER BY 2 DESC, 1 LIMIT 10',
    ),
  ]);
  return {
    products: products.rows.map((r) => ({ product: r.product_name, category: r.category_name, orders: Number(r.order_cnt) })),
    categories: categories.rows.map((r) => ({ category: r.category_name, productOrders: Number(r.product_orders) })),
  };
}
