import type { Admin } from 'kafkajs';
import type pg from 'pg';
import type { Redis } from 'ioredis';
import { pingPostgres } from '../clients/postgres.ts';

/** One dependency of a service; check() rejects when it cannot be used. */
export interface HealthCheck {
  name: string;
  check(): Promise<void>;
}

export interface HealthReport {
  status: 'ok' | 'failing';
  checks: Record<string, { status: 'ok' | 'failing'; error?: string }>;
}

const CHECK_TIMEOUT_MS = 2000;

/** The promise's result, or a rejection naming `name` when it has not settled within `ms`. */
export function withTimeout<T>(promise: Promise<T>, name: string, ms = CHECK_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${name} did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).then(
    (value) => {
      clearTimeout(timer);
      return value;
    },
    (error: unknown) => {
      clearTimeout(timer);
      throw error;
    },
  );
}

/** The names of the checks that failed. */
export const failingChecks = (report: HealthReport): string[] =>
  Object.entries(report.checks)
    .filter(([, result]) => result.status === 'failing')
    .map(([name]) => name);

export async function runHealthChecks(checks: HealthCheck[]): Promise<HealthReport> {
  const results = await Promise.all(
    checks.map(async ({ name, check }) => {
      try {
        await withTimeout(check(), name);
        return [name, { status: 'ok' as const }] as const;
      } catch (error) {
        return [name, { status: 'failing' as const, error: error instanceof Error ? error.message : String(error) }] as const;
      }
    }),
  );
  const failing = results.some(([, result]) => result.status === 'failing');
  return { status: failing ? 'failing' : 'ok', checks: Object.fromEntries(results) };
}

/**
 * Postgres answers SELECT 1. A connection that does not answer within the check's time is destroyed
 * (pingPostgres), so a hung connection is never taken from the pool again; and one probe at a time,
 * so that frequent checks during an outage do not fill the pool with waiting probes.
 */
export const postgresCheck = (pool: pg.Pool): HealthCheck => {
  let inFlight: Promise<void> | null = null;
  return {
    name: 'postgres',
    check: () => (inFlight ??= pingPostgres(pool, CHECK_TIMEOUT_MS).finally(() => (inFlight = null))),
  };
};

export const redisCheck = (redis: Redis): HealthCheck => ({
  name: 'redis',
  check: async () => {
    if (redis.status !== 'ready') throw new Error(`redis connection is ${redis.status}`);
    await redis.ping();
  },
});

/** Kafka answers metadata for the service's topics. */
export const kafkaCheck = (admin: Admin, topics: string[]): HealthCheck => ({
  name: 'kafka',
  check: async () => {
    await admin.fetchTopicMetadata({ topics });
  },
});
