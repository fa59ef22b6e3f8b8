import { afterEach, describe, expect, it } from 'vitest';
import type { FetchRequest } from '../../../src/protocol/apis/fetch.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { fetch, listOffsets, produce } from '../../../src/server/handlers/log-handlers.ts';
import { decodeRecordSet, encodeBatch, makeMessages } from '../../storage/kafkajs-batches.ts';
import { makeTestContext, type TestContext } from '../test-context.ts';

let test: TestContext;
afterEach(() => test?.dispose());

async function produceTo(topic: string, partition: number, count: number, valueBytes = 100, acks = -1) {
  const records = await encodeBatch(makeMessages(count, `${topic}-${partition}`, valueBytes));
  return produce(test.ctx, { transactionalId: null, acks, timeoutMs: 1000, topicData: [{ name: topic, partitionData: [{ index: partition, records }] }] });
}

function fetchRequest(
  partitions: Array<{ topic: string; partition: number; fetchOffset?: bigint; partitionMaxBytes?: number }>,
  opts: Partial<FetchRequest> = {},
): FetchRequest {
  const topics = [...new Set(partitions.map((p) => p.topic))].map((topic) => ({
    topic,
    partitions: partitions
      .filter((p) => p.topic === topic)
      .map((p) => ({
        partition: p.partition,
        currentLeaderEpoch: -1,
        fetchOffset: p.fetchOffset ?? 0n,
        logStartOffset: -1n,
        partitionMaxBytes: p.partitionMaxBytes ?? 1 << 20,
      })),
  }));
  return {
    replicaId: -1,
    maxWaitMs: 0,
    minBytes: 1,
    maxBytes: 50 << 20,
    isolationLevel: 0,
    sessionId: 0,
    sessionEpoch: -1,
    topics,
    forgottenTopicsData: [],
    rackId: '',
    ...opts,
  };
}

function recordBytes(response: Awaited<ReturnType<typeof fetch>>): number[] {
  return response.responses.flatMap((t) => t.partitions.map((p) => p.records?.length ?? 0));
}

describe('produce handler', () => {
  it('appends and answers base offsets; acks=0 answers nothing but still appends', async () => {
    test = makeTestContext();
    test.ctx.topics.create('t', 2);
    expect((await produceTo('t', 1, 3))!.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 0n });
    expect((await produceTo('t', 1, 2))!.responses[0]!.partitionResponses[0]).toMatchObject({ errorCode: 0, baseOffset: 3n });
    expect(await produceTo('t', 1, 4, 10, 0)).toBeNull();
    expect(test.ctx.topics.get('t')!.partitions[1]!.highWatermark).toBe(9n);
  });

  it('refuses invalid acks, unknown partitions and empty record sets, writing nothing', async () => {
    test = makeTestContext();
    test.ctx.topics.create('t', 1);
    expect((await produceTo('t', 0, 1, 10, 2))!.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.INVALID_REQUIRED_ACKS);
    expect((await produceTo('t', 5, 1))!.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    expect((await produceTo('missing', 0, 1))!.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    const empty = produce(test.ctx, {
      transactionalId: null,
      acks: 1,
      timeoutMs: 1000,
      topicData: [{ name: 't', partitionData: [{ index: 0, records: null }] }],
    });
    expect(empty!.responses[0]!.partitionResponses[0]!.errorCode).toBe(ErrorCode.CORRUPT_MESSAGE);
    expect(test.ctx.topics.get('t')!.partitions[0]!.highWatermark).toBe(0n);
  });
});

describe('fetch handler', () => {
  it('returns whole batches with the watermarks; an empty partition gets zero bytes, not null', async () => {
    test = makeTestContext();
    test.ctx.topics.create('t', 2);
    await produceTo('t', 0, 5);
    const response = await fetch(
      test.ctx,
      fetchRequest([
        { topic: 't', partition: 0, fetchOffset: 2n },
        { topic: 't', partition: 1 },
      ]),
    );
    const [p0, p1] = response.responses[0]!.partitions;
    expect(p0).toMatchObject({ errorCode: 0, highWatermark: 5n, lastStableOffset: 5n, logStartOffset: 0n });
    expect((await decodeRecordSet(p0!.records!)).records.map((r) => r.offset)).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(p1).toMatchObject({ errorCode: 0, highWatermark: 0n });
    expect(p1!.records).toEqual(Buffer.alloc(0));
  });

  it('keeps the total within maxBytes: only the first batch of the response may exceed it', async () => {
    test = makeTestContext();
    test.ctx.topics.create('t', 3);
    for (const partition of [0, 1, 2]) for (let i = 0; i < 3; i++) await produceTo('t', partition, 5, 200);
    const batchBytes = (await fetch(test.ctx, fetchRequest([{ topic: 't', partition: 0, partitionMaxBytes: 1 }]))).responses[0]!.partitions[0]!.records!.length;
    const all = [0, 1, 2].map((partition) => ({ topic: 't', partition }));

    // Room for one and a half batches: partition 0 gets one, partition 1 none (it would overflow).
    expect(recordBytes(await fetch(test.ctx, fetchRequest(all, { maxBytes: batchBytes * 1.5 })))).toEqual([batchBytes, 0, 0]);
    // Room for four batches: three from partition 0, one from partition 1.
    expect(recordBytes(await fetch(test.ctx, fetchRequest(all, { maxBytes: batchBytes * 4 })))).toEqual([batchBytes * 3, batchBytes, 0]);
    // Smaller than one batch: the first batch still comes, so the consumer makes progress.
    expect(recordBytes(await fetch(test.ctx, fetchRequest(all, { maxBytes: 10 })))).toEqual([batchBytes, 0, 0]);
    // A partition limit below one batch still yields one batch per partition while the total allows.
    expect(
      recordBytes(
        await fetch(
          test.ctx,
          fetchRequest(
            all.map((p) => ({ ...p, partitionMaxBytes: 10 })),
            { maxBytes: batchBytes * 10 },
          ),
        ),
      ),
    ).toEqual([batchBytes, batchBytes, batchBytes]);
  });

  it('waits for data up to maxWait, and wakes as soon as a produce lands', async () => {
    test = makeTestContext();
    test.ctx.topics.create('t', 1);
    const startedAt = Date.now();
    const empty = await fetch(test.ctx, fetchRequest([{ topic: 't', partition: 0 }], { maxWaitMs: 150 }));
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(140);
    expect(recordBytes(empty)).toEqual([0]);

    const woken = fetch(test.ctx, fetchRequest([{ topic: 't', partition: 0 }], { maxWaitMs: 10_000 }));
    await expect.poll(() => test.ctx.waiters.waitingCount).toBe(1);
    const wokenAt = Date.now();
    await produceTo('t', 0, 2);
    expect(recordBytes(await woken)[0]).toBeGreaterThan(0);
    expect(Date.now() - wokenAt).toBeLessThan(1_000);
    expect(test.ctx.waiters.waitingCount).toBe(0);
  });

  it('stops waiting at once when the client connection closes', async () => {
    test = makeTestContext();
    test.ctx.topics.create('t', 1);
    const closed = new AbortController();
    const held = fetch(test.ctx, fetchRequest([{ topic: 't', partition: 0 }], { maxWaitMs: 30_000 }), closed.signal);
    await expect.poll(() => test.ctx.waiters.waitingCount).toBe(1);
    const abortedAt = Date.now();
    closed.abort();
    await held;
    expect(Date.now() - abortedAt).toBeLessThan(500);
    expect(test.ctx.waiters.waitingCount).toBe(0);
  });

  it('answers at once with an error for an unknown partition and OFFSET_OUT_OF_RANGE past the end', async () => {
    test = makeTestContext();
    test.ctx.topics.create('t', 1);
    await produceTo('t', 0, 2);
    const response = await fetch(
      test.ctx,
      fetchRequest(
        [
          { topic: 't', partition: 0, fetchOffset: 3n },
          { topic: 'nope', partition: 0 },
        ],
        { maxWaitMs: 10_000 },
      ),
    );
    expect(response.responses[0]!.partitions[0]!.errorCode).toBe(ErrorCode.OFFSET_OUT_OF_RANGE);
    expect(response.responses[1]!.partitions[0]).toMatchObject({ errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, highWatermark: -1n });
  });
});

describe('listOffsets handler', () => {
  it('answers latest (-1) with the high watermark and earliest (-2) with the log start', async () => {
    test = makeTestContext();
    test.ctx.topics.create('t', 1);
    await produceTo('t', 0, 7);
    const response = listOffsets(test.ctx, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [
        {
          name: 't',
          partitions: [
            { partitionIndex: 0, timestamp: -1n },
            { partitionIndex: 0, timestamp: -2n },
            { partitionIndex: 3, timestamp: -1n },
          ],
        },
      ],
    });
    expect(response.topics[0]!.partitions.map((p) => [p.errorCode, p.offset, p.timestamp])).toEqual([
      [0, 7n, -1n],
      [0, 0n, -1n],
      [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, -1n, -1n],
    ]);
  });

  it("answers a time with the first record at or after it and that record's timestamp, or -1 and -1", async () => {
    test = makeTestContext();
    test.ctx.topics.create('t', 1);
    const records = await encodeBatch([1000, 2000, 3000].map((timestamp, i) => ({ key: null, value: `v${i}`, timestamp })));
    produce(test.ctx, { transactionalId: null, acks: -1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records }] }] });
    const response = listOffsets(test.ctx, {
      replicaId: -1,
      isolationLevel: 0,
      topics: [{ name: 't', partitions: [1500n, 3000n, 3001n].map((timestamp) => ({ partitionIndex: 0, timestamp })) }],
    });
    expect(response.topics[0]!.partitions.map((p) => [p.errorCode, p.offset, p.timestamp])).toEqual([
      [0, 1n, 2000n],
      [0, 2n, 3000n],
      [0, -1n, -1n],
    ]);
  });
});
