import type { PoolClient } from 'pg';
import type { RejectedMessage } from './decode-batch.ts';

export interface DeadLetter {
  service: string;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  rawValue: string | null;
  reason: string;
  failedAt: string;
}

export function toDeadLetters(service: string, topic: string, partition: number, rejected: RejectedMessage[], failedAt: Date): DeadLetter[] {
  return rejected.map(({ raw, reason }) => ({
    service,
    topic,
    partition,
    offset: raw.offset,
    key: raw.key?.toString('utf8') ?? null,
    rawValue: raw.value?.toString('utf8') ?? null,
    reason,
    failedAt: failedAt.toISOString(),
  }));
}

/** One row per rejected message; a replayed batch finds its rows there already and adds none. */
export async function insertDeadLetters(db: PoolClient, letters: DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await db.query(
    `INSERT INTO public.dead_letters (service, topic, partition, "offset", key, raw_value, reason, failed_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::timestamptz[])
     ON CONFLICT (service, topic, partition, "offset") DO NOTHING`,
    [
      letters.map((l) => l.service),
      letters.map((l) => l.topic),
      letters.map((l) => l.partition),
      letters.map((l) => l.offset),
      letters.map((l) => l.key),
      letters.map((l) => l.rawValue),
      letters.map((l) => l.reason),
      letters.map((l) => l.failedAt),
    ],
  );
}
