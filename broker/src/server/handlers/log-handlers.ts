// Produce, Fetch, ListOffsets: reading and writing partition logs.
import type { FetchPartitionData, FetchRequest, FetchResponse } from '../../protocol/apis/fetch.ts';
import type { ListOffsetsRequest, ListOffsetsResponse } from '../../protocol/apis/list-offsets.ts';
import type { ProducePartitionResponse, ProduceRequest, ProduceResponse } from '../../protocol/apis/produce.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { PartitionLog } from '../../storage/partition-log.ts';
import type { BrokerContext } from '../broker-context.ts';
import { PartitionWaiters } from '../partition-waiters.ts';

/** librdkafka rejects a null record set (size -1): empty partitions get zero bytes. */
const NO_RECORDS = Buffer.alloc(0);

function partitionOf(ctx: BrokerContext, topic: string, partition: number): PartitionLog | undefined {
  return ctx.topics.get(topic)?.partitions[partition];
}

function appendTo(ctx: BrokerContext, topic: string, index: number, records: Buffer | null): ProducePartitionResponse {
  const failed = (errorCode: number): ProducePartitionResponse => ({ index, errorCode, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n });
  const log = partitionOf(ctx, topic, index);
  if (!log) return failed(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  if (!records || records.length === 0) return failed(ErrorCode.CORRUPT_MESSAGE);
  try {
    const result = log.append(records);
    if (result.errorCode !== ErrorCode.NONE) return failed(result.errorCode);
    ctx.waiters.notify(PartitionWaiters.key(topic, index));
    return { index, errorCode: ErrorCode.NONE, baseOffset: result.baseOffset, logAppendTimeMs: result.logAppendTime, logStartOffset: log.logStartOffset };
  } catch (error) {
    ctx.log.warn(`append to ${topic}-${index} failed: ${(error as Error).message}`);
    return failed(ErrorCode.KAFKA_STORAGE_ERROR);
  }
}

/** Returns null for acks=0: the client expects no answer. */
export function produce(ctx: BrokerContext, req: ProduceRequest): ProduceResponse | null {
  const validAcks = req.acks === -1 || req.acks === 0 || req.acks === 1;
  const responses = req.topicData.map(({ name, partitionData }) => ({
    name,
    partitionResponses: partitionData.map(({ index, records }) =>
      validAcks
        ? appendTo(ctx, name, index, records)
        : { index, errorCode: ErrorCode.INVALID_REQUIRED_ACKS, baseOffset: -1n, logAppendTimeMs: -1n, logStartOffset: -1n },
    ),
  }));
  return req.acks === 0 ? null : { responses, throttleTimeMs: 0 };
}

/**
 * Reads every partition asked for within the request's maxBytes: each partition up to its own
 * partitionMaxBytes and what is left of the total. Only the first batch of the response may break
 * the total (so a consumer always makes progress); a later partition's first batch may exceed its
 * partitionMaxBytes only while it fits in what is left.
 */
function readPartitions(ctx: BrokerContext, req: FetchRequest): { response: FetchResponse; bytes: number; hasError: boolean } {
  let budget = req.maxBytes > 0 ? req.maxBytes : Number.MAX_SAFE_INTEGER;
  let bytes = 0;
  let hasError = false;
  const responses = req.topics.map(({ topic, partitions }) => ({
    topic,
    partitions: partitions.map(({ partition, fetchOffset, partitionMaxBytes }): FetchPartitionData => {
      const log = partitionOf(ctx, topic, partition);
      const base = { partitionIndex: partition, abortedTransactions: [], preferredReadReplica: -1 };
      if (!log) {
        hasError = true;
        return {
          ...base,
          errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
          highWatermark: -1n,
          lastStableOffset: -1n,
          logStartOffset: -1n,
          records: NO_RECORDS,
        };
      }
      const highWatermark = log.highWatermark;
      const marks = { highWatermark, lastStableOffset: highWatermark, logStartOffset: log.logStartOffset };
      if (budget <= 0) return { ...base, ...marks, errorCode: ErrorCode.NONE, records: NO_RECORDS };
      const { errorCode, records } = log.read(fetchOffset, Math.min(partitionMaxBytes, budget), bytes === 0 ? Infinity : budget);
      if (errorCode !== ErrorCode.NONE) hasError = true;
      const size = records?.length ?? 0;
      bytes += size;
      budget -= size;
      return { ...base, ...marks, errorCode, records: records ?? NO_RECORDS };
    }),
  }));
  return { response: { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses }, bytes, hasError };
}

/**
 * Answers at once when minBytes are there, otherwise when new data arrives or maxWaitMs passes.
 * `closed` is the client connection's signal: once it aborts, nobody will read the answer.
 */
export async function fetch(ctx: BrokerContext, req: FetchRequest, closed?: AbortSignal): Promise<FetchResponse> {
  const deadline = Date.now() + req.maxWaitMs;
  const keys = req.topics.flatMap(({ topic, partitions }) => partitions.map((p) => PartitionWaiters.key(topic, p.partition)));
  for (;;) {
    const result = readPartitions(ctx, req);
    const remaining = deadline - Date.now();
    if (result.bytes >= Math.max(1, req.minBytes) || result.hasError || remaining <= 0 || keys.length === 0 || closed?.aborted) return result.response;
    const notified = await ctx.waiters.waitForAny(keys, remaining, closed).promise;
    if (!notified) return readPartitions(ctx, req).response;
  }
}

const LATEST = -1n;
const EARLIEST = -2n;
/** ListOffsets' "no such timestamp or offset". */
const UNKNOWN = -1n;

/** Latest and earliest answer an offset without a timestamp; a time, the first record at or after it (or -1, -1). */
function lookUpOffset(log: PartitionLog, timestamp: bigint): { timestamp: bigint; offset: bigint } {
  if (timestamp === LATEST) return { timestamp: UNKNOWN, offset: log.highWatermark };
  if (timestamp === EARLIEST) return { timestamp: UNKNOWN, offset: log.logStartOffset };
  return log.findOffsetByTimestamp(timestamp) ?? { timestamp: UNKNOWN, offset: UNKNOWN };
}

export function listOffsets(ctx: BrokerContext, req: ListOffsetsRequest): ListOffsetsResponse {
  return {
    throttleTimeMs: 0,
    topics: req.topics.map(({ name, partitions }) => ({
      name,
      partitions: partitions.map(({ partitionIndex, timestamp }) => {
        const log = partitionOf(ctx, name, partitionIndex);
        if (!log) return { partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, timestamp: UNKNOWN, offset: UNKNOWN };
        return { partitionIndex, errorCode: ErrorCode.NONE, ...lookUpOffset(log, timestamp) };
      }),
    })),
  };
}
