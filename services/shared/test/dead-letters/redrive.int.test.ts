// redriveDeadLetters against the real database and the development broker: paging in numeric id
// order across more than one page, base64 letters sent back as their exact bytes, a failing send
// leaving its page pending, and the summary counts.
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redriveDeadLetters, type RedriveSummary } from '../../src/dead-letters/redrive.ts';
import { readTopic, startTestInfra, type TestInfra } from '../../../../test/support/service-harness.ts';

let infra: TestInfra;

beforeAll(async () => {
  infra = await startTestInfra();
});
afterAll(async () => {
  await infra?.close();
});

/** A fresh one-partition topic, so that what was sent can be read back in send order. */
async function freshTopic(): Promise<string> {
  const topic = `redrive-${randomBytes(4).toString('hex')}`;
  await infra.admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
  return topic;
}

interface Letter {
  service?: string;
  topic: string;
  offset: number;
  key: string | null;
  rawValue: string | null;
  encoding?: 'utf8' | 'base64';
}

async function insertLetters(letters: Letter[], db: Pick<pg.Pool, 'query'> = infra.db.pool): Promise<number[]> {
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO public.dead_letters (service, topic, partition, "offset", key, raw_value, encoding, reason)
     SELECT s, t, 0, o, k, v, e, 'test'
       FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS u(s, t, o, k, v, e, n)
      ORDER BY n
     RETURNING id`,
    [
      letters.map((l) => l.service ?? 'stg'),
      letters.map((l) => l.topic),
      letters.map((l) => l.offset),
      letters.map((l) => l.key),
      letters.map((l) => l.rawValue),
      letters.map((l) => l.encoding ?? 'utf8'),
    ],
  );
  return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
}

async function pendingIds(topic: string): Promise<number[]> {
  const { rows } = await infra.db.pool.query<{ id: string }>('SELECT id FROM public.dead_letters WHERE topic = $1 AND redriven_at IS NULL ORDER BY id', [
    topic,
  ]);
  return rows.map((r) => Number(r.id));
}

/** Every message of a topic as raw bytes (readTopic decodes them as UTF-8, which is lossy). */
async function readRawTopic(topic: string, count: number): Promise<Array<{ key: Buffer | null; value: Buffer | null }>> {
  const consumer = infra.kafka.consumer({ groupId: `raw-${randomBytes(4).toString('hex')}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  const out: Array<{ key: Buffer | null; value: Buffer | null }> = [];
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${out.length} of ${count} messages after 10 s`)), 10_000);
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ message }) => {
            out.push({ key: message.key, value: message.value });
            if (out.length === count) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return out;
}

/** Resolves once some session of the test database waits for a lock. */
async function someoneWaitsForALock(): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 20) {
    const { rows } = await infra.db.pool.query(`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`);
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error('nobody waited for a lock within 10 s');
}

describe('redriveDeadLetters', () => {
  it('sends more letters than one page exactly once, in numeric id order (ids 999 → 1000 included), and counts what is left', async () => {
    const topic = await freshTopic();
    const total = 1203;
    const ids = await insertLetters(Array.from({ length: total }, (_, i) => ({ topic, offset: i, key: `k${i % 7}`, rawValue: `value ${i}` })));
    // The ids cross 999 → 1000, where text order ('1000' < '999') differs from numeric order.
    expect(ids[0]).toBeLessThan(999);
    expect(ids[ids.length - 1]).toBeGreaterThan(1000);
    const valueById = new Map(ids.map((id, i) => [id, `value ${i}`]));

    // A message failing again while the run goes on: the run reads the highest id, then waits for
    // the table lock this transaction holds while it adds a new letter for letter #5's message.
    const other = await infra.db.pool.connect();
    let summary: RedriveSummary;
    try {
      await other.query('BEGIN');
      await other.query('LOCK TABLE public.dead_letters IN EXCLUSIVE MODE');
      const run = redriveDeadLetters(infra.db.pool, infra.producer, { service: 'stg' }, { pageSize: 500 });
      await someoneWaitsForALock();
      await insertLetters([{ topic, offset: total, key: `k${5 % 7}`, rawValue: 'value 5' }], other);
      await other.query('COMMIT');
      summary = await run;
    } finally {
      other.release();
    }

    expect(summary.sent.map((l) => l.id)).toEqual(ids);
    expect(summary).toMatchObject({ failed: 0, remaining: 1, failedAgain: 1 });
    expect(summary.error).toBeUndefined();
    const consumed = await readTopic(infra.kafka, topic);
    expect(consumed.map((m) => m.value)).toEqual(ids.map((id) => valueById.get(id)));
    expect(consumed.map((m) => m.key)).toEqual(ids.map((_, i) => `k${i % 7}`));
    const [late] = await pendingIds(topic);
    expect(await pendingIds(topic)).toEqual([late]);
    expect(late).toBeGreaterThan(ids[ids.length - 1]!);

    // The next run takes the letter created meanwhile, and only it.
    const next = await redriveDeadLetters(infra.db.pool, infra.producer, { service: 'stg' }, { pageSize: 500 });
    expect(next.sent.map((l) => l.id)).toEqual([late]);
    expect(next).toMatchObject({ failed: 0, remaining: 0, failedAgain: 0 });
    expect(await readTopic(infra.kafka, topic)).toHaveLength(total + 1);
  });

  it('a dry run lists every page and changes nothing', async () => {
    const topic = await freshTopic();
    const ids = await insertLetters(Array.from({ length: 7 }, (_, i) => ({ service: 'dds', topic, offset: i, key: null, rawValue: `v${i}` })));
    const summary = await redriveDeadLetters(infra.db.pool, null, { service: 'dds' }, { dryRun: true, pageSize: 3 });
    expect(summary.sent.map((l) => l.id)).toEqual(ids);
    expect(summary).toMatchObject({ failed: 0, remaining: 7, failedAgain: 0 });
    expect(await pendingIds(topic)).toEqual(ids);
    expect((await infra.admin.fetchTopicOffsets(topic))[0]!.high).toBe('0');
    await infra.db.pool.query('DELETE FROM public.dead_letters WHERE topic = $1', [topic]);
  });

  it('sends base64 letters back as their exact original bytes (NUL, invalid UTF-8), utf8 ones as their text', async () => {
    const topic = await freshTopic();
    const key = Buffer.from([0x00, 0xff, 0x41, 0xc3, 0x28, 0x00]);
    const value = Buffer.from([0x7b, 0x00, 0x80, 0xfe, 0xed, 0xa0, 0x80, 0x7d, 0x00]);
    const nullKeyValue = Buffer.from([0xc0, 0xaf, 0x00]);
    await insertLetters([
      { service: 'cdm', topic, offset: 0, key: key.toString('base64'), rawValue: value.toString('base64'), encoding: 'base64' },
      { service: 'cdm', topic, offset: 1, key: null, rawValue: nullKeyValue.toString('base64'), encoding: 'base64' },
      { service: 'cdm', topic, offset: 2, key: 'plain', rawValue: 'héllo {"x": 1}', encoding: 'utf8' },
    ]);
    const summary = await redriveDeadLetters(infra.db.pool, infra.producer, { service: 'cdm' });
    expect(summary).toMatchObject({ failed: 0, remaining: 0, failedAgain: 0 });
    expect(summary.sent.map((l) => [l.key, l.encoding])).toEqual([
      [key.toString('base64'), 'base64'],
      [null, 'base64'],
      ['plain', 'utf8'],
    ]);
    const consumed = await readRawTopic(topic, 3);
    expect(consumed[0]!.key!.equals(key)).toBe(true);
    expect(consumed[0]!.value!.equals(value)).toBe(true);
    expect(consumed[1]!.key).toBeNull();
    expect(consumed[1]!.value!.equals(nullKeyValue)).toBe(true);
    expect(consumed[2]!.key!.equals(Buffer.from('plain'))).toBe(true);
    expect(consumed[2]!.value!.equals(Buffer.from('héllo {"x": 1}', 'utf8'))).toBe(true);
  });

  it('stops at a page whose send fails, leaves it and the rest pending, and reports them', async () => {
    const topic = await freshTopic();
    const tooLarge = 'x'.repeat(1100 * 1024); // over the broker's 1 MiB record-batch limit
    const ids = await insertLetters([
      { topic, offset: 0, key: 'a', rawValue: 'first' },
      { topic, offset: 1, key: 'b', rawValue: 'second' },
      { topic, offset: 2, key: 'c', rawValue: 'third' },
      { topic, offset: 3, key: 'd', rawValue: tooLarge },
      { topic, offset: 4, key: 'e', rawValue: 'fifth' },
    ]);
    const summary = await redriveDeadLetters(infra.db.pool, infra.producer, { ids }, { pageSize: 2 });
    expect(summary.sent.map((l) => l.id)).toEqual(ids.slice(0, 2));
    expect(summary).toMatchObject({ failed: 2, remaining: 3, failedAgain: 0 });
    expect(summary.error).toBeInstanceOf(Error);
    expect(await pendingIds(topic)).toEqual(ids.slice(2));
    // The failed page may have been sent in part (its requests go in order); the next page was not tried.
    const consumed = (await readTopic(infra.kafka, topic)).map((m) => m.value);
    expect(consumed.slice(0, 2)).toEqual(['first', 'second']);
    expect(consumed).not.toContain('fifth');
    await infra.db.pool.query('DELETE FROM public.dead_letters WHERE topic = $1', [topic]);
  });
});
