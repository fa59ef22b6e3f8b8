/**
 * The append-only log of one partition: a directory of segment files. append() writes the
 * batches (offsets assigned in place) with a synchronous write before returning, so an
 * acknowledged message is in the page cache and survives the process being killed; with
 * `fsync: true` it also survives a machine crash. open() recovers whatever a crash left.
 */
import fs from 'node:fs';
import path from 'node:path';
import { NONE, OFFSET_OUT_OF_RANGE, UNKNOWN_TOPIC_OR_PARTITION } from './errors.ts';
import { searchBatchForTimestamp, type TimestampAndOffset } from './batch-timestamps.ts';
import { fsyncDir, writeFully } from './file-io.ts';
import { LogSegment, parseSegmentFileName, segmentFileName } from './log-segment.ts';
import { checkSequence, incrementSequence, withBatch, type ProducerBatch, type ProducerEntry } from './producer-state.ts';
import { DEFAULT_MAX_BATCH_BYTES, batchSize, validateRecordSet, writeBaseOffset, writePartitionLeaderEpoch, type BatchHeader } from './record-batch.ts';

/** This single-node broker is the leader of every partition, forever, in epoch 0. */
export const PARTITION_LEADER_EPOCH = 0;
export const DEFAULT_SEGMENT_BYTES = 256 * 1024 * 1024;

export interface PartitionLogOptions {
  /** Roll to a new segment once the active one would grow past this. */
  segmentBytes?: number;
  /** Delete oldest segments while the rest still hold at least this much (undefined or < 0: keep all). */
  retentionBytes?: number;
  /** fsync the segment after every append (and directories after changes). */
  fsync?: boolean;
  /** Largest batch accepted, framing included (Kafka's message.max.bytes). */
  maxBatchBytes?: number;
}

export interface AppendResult {
  errorCode: number;
  /** Offset of the first record appended (or of the original append for a duplicate); -1 on error. */
  baseOffset: bigint;
  /** Always -1: topics use CreateTime, and Kafka answers -1 then. */
  logAppendTime: bigint;
}

export interface ReadResult {
  errorCode: number;
  /** Whole batches; null when there is nothing to return (fetchOffset == highWatermark, or an error). */
  records: Buffer | null;
}

const NO_TIMESTAMP = -1n;

export class PartitionLog {
  private segments: LogSegment[];
  private readonly producers = new Map<bigint, ProducerEntry>();
  private totalBytes: number;
  private closed = false;
  private readonly segmentBytes: number;
  private readonly retentionBytes: number;
  private readonly fsync: boolean;
  private readonly maxBatchBytes: number;

  private constructor(
    readonly dir: string,
    opts: PartitionLogOptions,
  ) {
    this.segmentBytes = opts.segmentBytes ?? DEFAULT_SEGMENT_BYTES;
    this.retentionBytes = opts.retentionBytes ?? -1;
    this.fsync = opts.fsync ?? false;
    this.maxBatchBytes = opts.maxBatchBytes ?? DEFAULT_MAX_BATCH_BYTES;
    this.segments = [];
    this.totalBytes = 0;
  }

  static open(dir: string, opts: PartitionLogOptions = {}): PartitionLog {
    fs.mkdirSync(dir, { recursive: true });
    const log = new PartitionLog(dir, opts);
    log.recover();
    log.applyRetention();
    return log;
  }

  private recover(): void {
    const baseOffsets = fs
      .readdirSync(this.dir)
      .map(parseSegmentFileName)
      .filter((base) => base >= 0)
      .sort((a, b) => a - b);
    let corruptFrom = baseOffsets.length;
    for (let i = 0; i < baseOffsets.length; i++) {
      const base = baseOffsets[i];
      const previous = this.segments[this.segments.length - 1];
      // A segment must start where the previous one ends; anything else follows a cut-off tail.
      if (previous !== undefined && previous.nextOffset !== base) {
        corruptFrom = i;
        break;
      }
      const { segment, truncated } = LogSegment.recover(path.join(this.dir, segmentFileName(base)), base, (header) =>
        this.rememberProducerBatch(header, Number(header.baseOffset)),
      );
      this.segments.push(segment);
      this.totalBytes += segment.size;
      if (truncated) {
        corruptFrom = i + 1;
        break;
      }
    }
    for (const base of baseOffsets.slice(corruptFrom)) {
      fs.rmSync(path.join(this.dir, segmentFileName(base)), { force: true });
    }
    if (this.segments.length === 0) this.segments.push(LogSegment.create(this.dir, 0));
    if (this.fsync) fsyncDir(this.dir);
  }

  private rememberProducerBatch(header: BatchHeader, baseOffset: number): void {
    if (header.producerId < 0n) return;
    const batch: ProducerBatch = {
      firstSequence: header.baseSequence,
      lastSequence: incrementSequence(header.baseSequence, header.lastOffsetDelta),
      firstOffset: baseOffset,
      lastOffset: baseOffset + header.lastOffsetDelta,
    };
    this.producers.set(header.producerId, withBatch(this.producers.get(header.producerId), header.producerEpoch, batch));
  }

  private get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1];
  }

  /** Next offset to be assigned. */
  get highWatermark(): bigint {
    return BigInt(this.activeSegment.nextOffset);
  }

  get logStartOffset(): bigint {
    return BigInt(this.segments[0].baseOffset);
  }

  /** Bytes in all segments. */
  get sizeInBytes(): number {
    return this.totalBytes;
  }

  /**
   * Validates and appends a Produce record set. Rewrites each batch's baseOffset and
   * partitionLeaderEpoch inside recordSet (the CRC does not cover them) and writes the bytes
   * as they are; compressed batches stay compressed.
   */
  append(recordSet: Buffer): AppendResult {
    if (this.closed) return { errorCode: UNKNOWN_TOPIC_OR_PARTITION, baseOffset: -1n, logAppendTime: NO_TIMESTAMP };
    const { errorCode, batches } = validateRecordSet(recordSet, this.maxBatchBytes);
    if (errorCode !== NONE) return { errorCode, baseOffset: -1n, logAppendTime: NO_TIMESTAMP };

    const firstOffset = this.activeSegment.nextOffset;
    let nextOffset = firstOffset;
    // Producer state changes are staged and applied only once the write succeeded.
    let staged: Map<bigint, ProducerEntry> | null = null;
    for (const header of batches) {
      if (header.producerId >= 0n) {
        staged ??= new Map();
        const entry = staged.get(header.producerId) ?? this.producers.get(header.producerId);
        const lastSequence = incrementSequence(header.baseSequence, header.lastOffsetDelta);
        const check = checkSequence(entry, header.producerEpoch, header.baseSequence, lastSequence);
        if (check.errorCode !== NONE) return { errorCode: check.errorCode, baseOffset: -1n, logAppendTime: NO_TIMESTAMP };
        if (check.duplicateOf !== null) {
          // Kafka answers the whole request with the duplicate's original offset and writes nothing.
          return { errorCode: NONE, baseOffset: BigInt(check.duplicateOf.firstOffset), logAppendTime: NO_TIMESTAMP };
        }
        staged.set(
          header.producerId,
          withBatch(entry, header.producerEpoch, {
            firstSequence: header.baseSequence,
            lastSequence,
            firstOffset: nextOffset,
            lastOffset: nextOffset + header.lastOffsetDelta,
          }),
        );
      }
      writeBaseOffset(recordSet, header.position, BigInt(nextOffset));
      writePartitionLeaderEpoch(recordSet, header.position, PARTITION_LEADER_EPOCH);
      nextOffset += header.lastOffsetDelta + 1;
    }

    this.maybeRoll(recordSet.length);
    const segment = this.activeSegment;
    const writePosition = segment.size;
    try {
      writeFully(segment.descriptor, recordSet, writePosition);
      if (this.fsync) fs.fsyncSync(segment.descriptor);
    } catch (err) {
      try {
        segment.truncateToSize();
      } catch {
        // The write error is the one worth reporting; recovery cuts any partial tail on next open.
      }
      throw err;
    }

    let offset = firstOffset;
    for (const header of batches) {
      segment.indexBatch(offset, writePosition + header.position, Number(header.maxTimestamp), header.lastOffsetDelta + 1, batchSize(header));
      offset += header.lastOffsetDelta + 1;
    }
    this.totalBytes += recordSet.length;
    if (staged !== null) for (const [producerId, entry] of staged) this.producers.set(producerId, entry);
    this.applyRetention();
    return { errorCode: NONE, baseOffset: BigInt(firstOffset), logAppendTime: NO_TIMESTAMP };
  }

  private maybeRoll(incomingBytes: number): void {
    const active = this.activeSegment;
    if (active.size === 0 || active.size + incomingBytes <= this.segmentBytes) return;
    this.segments.push(LogSegment.create(this.dir, active.nextOffset));
    if (this.fsync) {
      fs.fsyncSync(active.descriptor);
      fsyncDir(this.dir);
    }
  }

  /**
   * Kafka's retention.bytes: drop the oldest whole segment while what remains is still at least
   * retentionBytes. The active segment is never dropped.
   */
  private applyRetention(): void {
    if (this.retentionBytes < 0) return;
    let deleted = false;
    while (this.segments.length > 1 && this.totalBytes - this.segments[0].size >= this.retentionBytes) {
      const oldest = this.segments.shift()!;
      this.totalBytes -= oldest.size;
      oldest.delete();
      deleted = true;
    }
    if (deleted && this.fsync) fsyncDir(this.dir);
  }

  /**
   * Whole batches starting with the one containing fetchOffset, as many as fit in maxBytes, all
   * from one segment. The first batch comes even if larger than maxBytes, unless it is also larger
   * than firstBatchLimit (then records is null: a fetch whose total budget is spent already).
   */
  read(fetchOffset: bigint, maxBytes: number, firstBatchLimit = Infinity): ReadResult {
    if (this.closed) return { errorCode: UNKNOWN_TOPIC_OR_PARTITION, records: null };
    const offset = Number(fetchOffset);
    const highWatermark = this.activeSegment.nextOffset;
    if (offset < this.segments[0].baseOffset || offset > highWatermark) {
      return { errorCode: OFFSET_OUT_OF_RANGE, records: null };
    }
    if (offset === highWatermark) return { errorCode: NONE, records: null };
    const segment = this.segments[this.segmentIndexFor(offset)];
    const batch = segment.batchIndexFor(offset);
    return { errorCode: NONE, records: segment.readBatches(batch, maxBytes, firstBatchLimit) };
  }

  /** Index of the segment holding offset: the last one whose base offset is <= offset and which has batches. */
  private segmentIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.segments[mid].baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /**
   * ListOffsets by time, as Kafka answers it: the first record whose timestamp is at least
   * `timestamp` (offset and that record's timestamp), or null when no record is that recent.
   * The index finds the first batch whose maxTimestamp reaches the target; only that batch is
   * read (see batch-timestamps.ts).
   */
  findOffsetByTimestamp(timestamp: bigint): TimestampAndOffset | null {
    const ts = Number(timestamp);
    for (const segment of this.segments) {
      for (let i = segment.firstBatchWithTimestampAtLeast(ts); i >= 0 && i < segment.batchCount; i++) {
        const found = searchBatchForTimestamp(segment.readBatch(i), timestamp);
        if (found) return found;
      }
    }
    return null;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const segment of this.segments) segment.close();
  }

  /** Closes the log and deletes its directory. */
  destroy(): void {
    this.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
