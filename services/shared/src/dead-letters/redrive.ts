// Re-drive: dead letters go back, as they were consumed (same topic, key and raw value), to the
// service that could not process them, once their cause is fixed.
import type { Producer } from 'kafkajs';
import type pg from 'pg';
import { inTransaction } from '../clients/postgres.ts';
import { chunkByBytes } from '../stage/message-chunks.ts';

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
  key: string | null;
  reason: string;
}

export interface RedriveOptions {
  dryRun?: boolean;
  /** Dead letters sent and marked per transaction. */
  pageSize?: number;
}

type Row = RedrivenLetter & { raw_value: string | null };

/**
 * Sends every matching dead letter that was not re-driven yet back to its topic and sets its
 * redriven_at, page by page: a page is marked in the same transaction that held its rows locked,
 * and only after Kafka acknowledged the page, so a failure re-drives nothing twice that was marked
 * and marks nothing that was not sent. A crash between the send and the commit sends that page
 * again next time, which the idempotent stages absorb. Letters created while this runs (a message
 * failing again) are left for the next run: only ids up to the highest one at the start are taken.
 */
export async function redriveDeadLetters(pool: pg.Pool, producer: Producer | null, filter: RedriveFilter, options: RedriveOptions = {}): Promise<RedrivenLetter[]> {
  const pageSize = options.pageSize ?? 500;
  const ids = filter.ids && filter.ids.length > 0 ? [...filter.ids] : null;
  const { rows: bound } = await pool.query<{ max: string | null }>('SELECT max(id)::text AS max FROM public.dead_letters');
  const maxId = bound[0]?.max ?? '0';
  const done: RedrivenLetter[] = [];
  let afterId = '0';

  for (;;) {
    const page = await inTransaction(pool, async (db) => {
      const { rows } = await db.query<Row>(
        `SELECT id::text AS id, service, topic, partition, "offset"::text AS "offset", key, raw_value, reason
           FROM public.dead_letters
          WHERE redriven_at IS NULL AND id > $1::bigint AND id <= $2::bigint
            AND ($3::text IS NULL OR service = $3) AND ($4::bigint[] IS NULL OR id = ANY($4))
          ORDER BY id
          LIMIT $5
          FOR UPDATE SKIP LOCKED`,
        [afterId, maxId, filter.service ?? null, ids, pageSize],
      );
      if (rows.length === 0 || options.dryRun) return rows;
      if (!producer) throw new Error('a producer is needed unless dryRun');
      // In id order, in requests small enough for the broker; a failure rolls the page back.
      for (const request of chunkByBytes(rows.map((r) => ({ topic: r.topic, key: r.key, value: r.raw_value })))) {
        const byTopic = new Map<string, Array<{ key: string | null; value: string | null }>>();
        for (const { topic, key, value } of request) {
          const list = byTopic.get(topic) ?? byTopic.set(topic, []).get(topic)!;
          list.push({ key, value });
        }
        await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
      }
      await db.query('UPDATE public.dead_letters SET redriven_at = now() WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
      return rows;
    });
    if (page.length === 0) break;
    done.push(...page.map(({ raw_value: _raw, ...letter }) => ({ ...letter, id: Number(letter.id) })));
    afterId = String(page[page.length - 1]!.id);
    if (page.length < pageSize) break;
  }
  return done;
}
