import { isUtf8 } from 'node:buffer';
import type { PoolClient } from 'pg';
import type { RejectedMessage } from './decode-batch.ts';

/** 'utf8': key and rawValue are the message's text; 'base64': its bytes (a NUL or invalid UTF-8). */
export type DeadLetterEncoding = 'utf8' | 'base64';

export interface DeadLetter {
  service: string;
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  rawValue: string | null;
  encoding: DeadLetterEncoding;
  reason: string;
  failedAt: string;
}

/** On the dead-letter topic, a letter whose value was cut to fit; the table keeps it whole. */
export interface DeadLetterRecord extends DeadLetter {
  /** Set when rawValue is only the start of the value: the whole one is the table's row for (service, topic, partition, offset). */
  rawValueTruncated?: { originalLength: number };
}

/** Longest reason kept: an error message can quote a whole value. */
export const MAX_REASON_LENGTH = 2000;
/**
 * Largest dead-letter record sent to the topic, in bytes. Escaping in JSON can make a value up to
 * six times larger than the message it came from, which the broker would refuse for good.
 */
export const MAX_DEAD_LETTER_RECORD_BYTES = 256 * 1024;

const storable = (bytes: Buffer | null) => bytes === null || (isUtf8(bytes) && !bytes.includes(0));

/** Text Postgres can store and JSON can carry: no NUL, no lone surrogate, bounded. */
export function cleanReason(reason: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what Postgres text cannot hold
  const clean = reason.replace(/[\u0000\uD800-\uDFFF]/gu, '\uFFFD');
  return clean.length > MAX_REASON_LENGTH ? `${clean.slice(0, MAX_REASON_LENGTH)}…` : clean;
}

export function toDeadLetters(service: string, topic: string, partition: number, rejected: RejectedMessage[], failedAt: Date): DeadLetter[] {
  return rejected.map(({ raw, reason }) => {
    const encoding: DeadLetterEncoding = storable(raw.key) && storable(raw.value) ? 'utf8' : 'base64';
    return {
      service,
      topic,
      partition,
      offset: raw.offset,
      key: raw.key?.toString(encoding) ?? null,
      rawValue: raw.value?.toString(encoding) ?? null,
      encoding,
      reason: cleanReason(reason),
      failedAt: failedAt.toISOString(),
    };
  });
}

/** The letter as it goes on the topic: whole when it fits, else with rawValue cut and marked so. */
export function deadLetterRecord(letter: DeadLetter, maxBytes = MAX_DEAD_LETTER_RECORD_BYTES): string {
  const whole = JSON.stringify(letter);
  if (Buffer.byteLength(whole) <= maxBytes || letter.rawValue === null) return whole;
  const rawValue = letter.rawValue;
  // Every character takes at most 6 bytes once escaped; keep what surely fits beside the rest.
  const room = Math.max(0, Math.floor((maxBytes - Buffer.byteLength(JSON.stringify({ ...letter, rawValue: '' })) - 64) / 6));
  let cut = rawValue.slice(0, room);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  const record: DeadLetterRecord = { ...letter, rawValue: cut, rawValueTruncated: { originalLength: rawValue.length } };
  return JSON.stringify(record);
}

/** One row per rejected message; a replayed batch finds its rows there already and adds none. */
export async function insertDeadLetters(db: PoolClient, letters: DeadLetter[]): Promise<void> {
  if (letters.length === 0) return;
  await db.query(
    `INSERT INTO public.dead_letters (service, topic, partition, "offset", key, raw_value, encoding, reason, failed_at)
     SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[], $5::text[], $6::text[], $7::text[], $8::text[], $9::timestamptz[])
     ON CONFLICT (service, topic, partition, "offset") DO NOTHING`,
    [
      letters.map((l) => l.service),
      letters.map((l) => l.topic),
      letters.map((l) => l.partition),
      letters.map((l) => l.offset),
      letters.map((l) => l.key),
      letters.map((l) => l.rawValue),
      letters.map((l) => l.encoding),
      letters.map((l) => l.reason),
      letters.map((l) => l.failedAt),
    ],
  );
}
