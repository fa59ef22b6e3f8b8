// Command line of `npm run bench`.
import { parseArgs } from 'node:util';

export const USAGE = `usage: npm run bench -- [--orders 100000] [--rate 1000] [--rate-seconds 30] [--instances 1]
  [--partitions 6] [--kafka development|apache] [--push-concurrency 4] [--keep] [--skip-copy] [--cpu-prof stg,dds,cdm,source,broker]
  [--cpu-prof-dir ./.data/bench-profiles] [--pg-activity] [--viewers 0]
Services take every other setting from the environment (CONSUMER_MAX_BATCH=..., PUSH_BATCH_SIZE=...);
--kafka apache runs Apache Kafka (kafka/pom.xml's version) instead of the development broker;
KAFKA_BROKERS attaches to a running broker instead of starting one;
--viewers N keeps N dashboards open for the whole run (each polls GET /dashboard/snapshot as the page does).`;

export const PROFILABLE = ['source', 'stg', 'dds', 'cdm', 'broker'] as const;
export type Profilable = (typeof PROFILABLE)[number];

export interface BenchOptions {
  orders: number;
  /** phase 2: offered orders per second, for rateSeconds (0 skips the phase) */
  rate: number;
  rateSeconds: number;
  /** instances of each consuming service (stg, dds, cdm) */
  instances: number;
  partitions: number;
  /** the broker the run starts: the development broker or Apache Kafka */
  kafka: 'development' | 'apache';
  /** /push requests in flight at once in phase 1 */
  pushConcurrency: number;
  keep: boolean;
  skipCopy: boolean;
  cpuProf: Profilable[];
  cpuProfDir: string;
  /** sample pg_stat_activity wait events during phase 1 */
  pgActivity: boolean;
  /** dashboards polling the source's snapshot during the run, as open pages do */
  viewers: number;
}

export class UsageError extends Error {
  override name = 'UsageError';
}

function integer(name: string, raw: string, min: number, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  return value;
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  let values;
  try {
    values = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        orders: { type: 'string', default: '100000' },
        rate: { type: 'string', default: '1000' },
        'rate-seconds': { type: 'string', default: '30' },
        instances: { type: 'string', default: '1' },
        partitions: { type: 'string', default: '6' },
        kafka: { type: 'string', default: 'development' },
        'push-concurrency': { type: 'string', default: '4' },
        keep: { type: 'boolean', default: false },
        'skip-copy': { type: 'boolean', default: false },
        'cpu-prof': { type: 'string', default: '' },
        'cpu-prof-dir': { type: 'string', default: '.data/bench-profiles' },
        'pg-activity': { type: 'boolean', default: false },
        viewers: { type: 'string', default: '0' },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const cpuProf = values['cpu-prof']
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const name of cpuProf) {
    if (!(PROFILABLE as readonly string[]).includes(name)) throw new UsageError(`--cpu-prof takes ${PROFILABLE.join(', ')}; got "${name}"`);
  }
  if (values.kafka !== 'development' && values.kafka !== 'apache') throw new UsageError(`--kafka takes development or apache, got "${values.kafka}"`);
  const options: BenchOptions = {
    orders: integer('orders', values.orders, 1, 100_000_000),
    rate: integer('rate', values.rate, 0, 1_000_000),
    rateSeconds: integer('rate-seconds', values['rate-seconds'], 0, 3600),
    instances: integer('instances', values.instances, 1, 16),
    partitions: integer('partitions', values.partitions, 1, 256),
    kafka: values.kafka,
    pushConcurrency: integer('push-concurrency', values['push-concurrency'], 1, 64),
    keep: values.keep,
    skipCopy: values['skip-copy'],
    cpuProf: cpuProf as Profilable[],
    cpuProfDir: values['cpu-prof-dir'],
    pgActivity: values['pg-activity'],
    viewers: integer('viewers', values.viewers, 0, 100),
  };
  if (options.instances > options.partitions) {
    throw new UsageError(`--instances ${options.instances} > --partitions ${options.partitions}: the extra instances would sit idle`);
  }
  return options;
}
