// Re-drive: dead letters go back, as they were consumed (same topic, key and raw value), to the
// service that could not process them, once their cause is fixed.
import type { Producer } from 'kafkajs';
import type pg from 'pg';
import { inTransaction } from '../clients/postgres.ts';
import type { DeadLetterEncoding } from '../stage/dead-letters.ts';
import { sendInOrder } from '../stage/message-chunks.ts';

export interface RedriveFilter {
  service?: string | null;
  ids?: readonly number[];
}

export interface RedrivenLetter {
  id: number;
  service: string;
  topic: string;
  partition: number;
  offset: string;
  /** As stored: base64 of the original bytes when `encoding` is base64. */
  key: string | null;
  encoding: DeadLetterEncoding;
  reason: string;
}

export interface RedriveOptions {
  dryRun?: boolean;
  /** Dead letters sent and marked per transaction. */
  pageSize?: number;
}

export interface RedriveSummary {
  /** Letters sent and marked (with dryRun: that would be sent), in id order. */
  sent: RedrivenLetter[];
  /** Letters of the page whose send failed; they stay pending, and nothing after them was tried. */
  failed: number;
  /** Why the send failed, when `failed` > 0. */
  error?: Error;
  /** Matching letters still pending after the run: a failed page, letters created meanwhile (a message failing again), with dryRun all of them. */
  remaining: number;
  /** Of `remaining`, those whose message (service, topic, key, raw value) was re-driven before and failed again. */
  failedAgain: number;
}

type Row = Omit<RedrivenLetter, 'id'> & { id: string; raw_value: string | null };

/** The send of one page failed; its transaction is rolled back so that its letters stay pending. */
class PageSendError extends Error {
  constructor(
    readonly letters: number,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/** The bytes to send back: what the stage consumed. */
function original(data: string | null, encoding: DeadLetterEncoding): string | Buffer | null {
  return data !== null && encoding === 'base64' ? Buffer.from(data, 'base64') : data;
}

/**
 * Sends every matching dead letter that was not re-driven yet back to its topic and sets its
 * redriven_at, page by page in id order: a page is marked in the same transaction that held its
 * rows locked, and only after Kafka acknowledged the page, so a failure re-drives nothing twice
 * that was marked and marks nothing that was not sent. A page whose send fails ends the run with
 * its letters pending (`failed`). A crash between the send and the commit sends that page again
 * next time, which the idempotent stages absorb. Letters created while this runs (a message failing
 * again) are left for the next run: only ids up to the highest one at the start are taken.
 */
export async function redriveDeadLetters(
  pool: pg.Pool,
  producer: Producer | null,
  filter: RedriveFilter,
  options: RedriveOptions = {},
): Promise<RedriveSummary> {
  const pageSize = options.pageSize ?? 500;
  const service = filter.service ?? null;
  const ids = filter.ids && filter.ids.length > 0 ? [...filter.ids] : null;
  if (!options.dryRun && !producer) throw new Error('a producer is needed unless dryRun');
  const { rows: bound } = await pool.query<{ max: string | null }>('SELECT max(id)::text AS max FROM public.dead_letters');
  const maxId = bound[0]?.max ?? '0';
  const sent: RedrivenLetter[] = [];
  let failed = 0;
  let error: Error | undefined;
  let afterId = '0';

  for (;;) {
    let page: Row[];
    try {
      page = await inTransaction(pool, async (db) => {
        // id stays a bigint here (pg hands it over as a string): ordering by a text alias would
        // page in text order ('1000' < '999') while `id > $1` pages numerically, skipping letters.
        const { rows } = await db.query<Row>(
          `SELECT id, service, topic, partition, "offset"::text AS "offset", key, raw_value, encoding, reason
             FROM public.dead_letters
            WHERE redriven_at IS NULL AND id > $1::bigint AND id <= $2::bigint
              AND ($3::text IS NULL OR service = $3) AND ($4::bigint[] IS NULL OR id = ANY($4))
            ORDER BY id
            LIMIT $5
            FOR UPDATE SKIP LOCKED`,
          [afterId, maxId, service, ids, pageSize],
        );
        if (rows.length === 0 || options.dryRun) return rows;
        try {
          // In id order, in requests small enough for the broker; a failure rolls the page back.
          const messages = rows.map((r) => ({ topic: r.topic, key: original(r.key, r.encoding), value: original(r.raw_value, r.encoding) }));
          await sendInOrder(producer!, messages);
        } catch (cause) {
          throw new PageSendError(rows.length, cause);
        }
        await db.query('UPDATE public.dead_letters SET redriven_at = now() WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
        return rows;
      });
    } catch (caught) {
      if (!(caught instanceof PageSendError)) throw caught;
      failed = caught.letters;
      error = caught.cause instanceof Error ? caught.cause : caught;
      break;
    }
    if (page.length === 0) break;
    sent.push(...page.map(({ raw_value: _raw, ...letter }) => ({ ...letter, id: Number(letter.id) })));
    afterId = page[page.length - 1]!.id;
    if (page.length < pageSize) break;
  }

  const pending = await pendingCounts(pool, service, ids);
  return { sent, failed, ...(error ? { error } : {}), ...pending };
}

/**
 * Matching letters still pending, and how many of them carry a message that was re-driven before
 * (a letter with the same service, topic, key, raw value and encoding has redriven_at set). Keys and
 * values are compared null-safely with plain equalities, so that Postgres can hash the join.
 */
async function pendingCounts(pool: pg.Pool, service: string | null, ids: number[] | null): Promise<{ remaining: number; failedAgain: number }> {
  const { rows } = await pool.query<{ remaining: number; failed_again: number }>(
    `WITH pending AS (
       SELECT id, service, topic, key, raw_value, encoding FROM public.dead_letters
        WHERE redriven_at IS NULL AND ($1::text IS NULL OR service = $1) AND ($2::bigint[] IS NULL OR id = ANY($2))
     )
     SELECT (SELECT count(*) FROM pending)::int AS remaining,
            (SELECT count(*) FROM pending p
              WHERE EXISTS (
                SELECT 1 FROM public.dead_letters r
                 WHERE r.redriven_at IS NOT NULL AND r.service = p.service AND r.topic = p.topic AND r.encoding = p.encoding
                   AND (r.key IS NULL) = (p.key IS NULL) AND coalesce(r.key, '') = coalesce(p.key, '')
                   AND (r.raw_value IS NULL) = (p.raw_value IS NULL) AND coalesce(r.raw_value, '') = coalesce(p.raw_value, '')))::int AS failed_again`,
    [service, ids],
  );
  return { remaining: rows[0]!.remaining, failedAgain: rows[0]!.failed_again };
}
