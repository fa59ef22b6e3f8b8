/**
 * One segment file of a partition log: batches back to back, the file named after the offset of
 * its first batch. Keeps a compact in-memory index, one entry per batch in growable typed arrays:
 * base offset, file position, and the running maximum of maxTimestamp (monotonic, so
 * timestamp look-ups can binary-search it).
 */
import fs from 'node:fs';
import path from 'node:path';
import { readFully } from './file-io.ts';
import { BATCH_HEADER_SIZE, LOG_OVERHEAD, checkBatchFraming, parseBatchHeader, type BatchHeader } from './record-batch.ts';

const SEGMENT_SUFFIX = '.log';
const INITIAL_INDEX_CAPACITY = 256;
const RECOVERY_CHUNK_BYTES = 4 * 1024 * 1024;

export function segmentFileName(baseOffset: number): string {
  return String(baseOffset).padStart(20, '0') + SEGMENT_SUFFIX;
}

/** The base offset a segment file name encodes, or -1 if the name is not a segment's. */
export function parseSegmentFileName(name: string): number {
  const match = /^(\d{20})\.log$/.exec(name);
  return match ? Number(match[1]) : -1;
}

export class LogSegment {
  /** Bytes of whole, indexed batches in the file. */
  size = 0;
  /** Offset the next batch appended here will get. */
  nextOffset: number;
  batchCount = 0;
  private offsets = new Float64Array(INITIAL_INDEX_CAPACITY);
  private positions = new Float64Array(INITIAL_INDEX_CAPACITY);
  private maxTimestampsSoFar = new Float64Array(INITIAL_INDEX_CAPACITY);

  private constructor(
    readonly file: string,
    readonly baseOffset: number,
    private fd: number,
  ) {
    this.nextOffset = baseOffset;
  }

  /** A new empty segment (an existing file of that name is emptied). */
  static create(dir: string, baseOffset: number): LogSegment {
    const file = path.join(dir, segmentFileName(baseOffset));
    return new LogSegment(file, baseOffset, fs.openSync(file, 'w+'));
  }

  /**
   * Opens an existing segment and rebuilds its index, validating each batch's framing, CRC and
   * offset continuity. The file is truncated at the first batch that fails (a torn or corrupt
   * tail). onBatch sees every valid batch in order.
   */
  static recover(file: string, baseOffset: number, onBatch: (header: BatchHeader) => void): { segment: LogSegment; truncated: boolean } {
    const segment = new LogSegment(file, baseOffset, fs.openSync(file, 'r+'));
    const fileSize = fs.fstatSync(segment.fd).size;
    let buf = Buffer.allocUnsafe(Math.min(RECOVERY_CHUNK_BYTES, Math.max(fileSize, BATCH_HEADER_SIZE)));
    let bufStart = 0;
    let bufEnd = 0;
    const load = (pos: number, needed: number): void => {
      if (needed > buf.length) buf = Buffer.allocUnsafe(needed);
      bufStart = pos;
      bufEnd = pos + readFully(segment.fd, buf, 0, Math.min(buf.length, fileSize - pos), pos);
    };

    let pos = 0;
    while (pos < fileSize) {
      if (pos + BATCH_HEADER_SIZE > bufEnd) load(pos, BATCH_HEADER_SIZE);
      if (pos + BATCH_HEADER_SIZE > bufEnd) break;
      const size = LOG_OVERHEAD + buf.readInt32BE(pos - bufStart + 8);
      if (size < BATCH_HEADER_SIZE || pos + size > fileSize) break;
      if (pos + size > bufEnd) load(pos, size);
      const rel = pos - bufStart;
      if (checkBatchFraming(buf, rel, rel + size) !== size) break;
      const header = parseBatchHeader(buf, rel);
      if (header.lastOffsetDelta < 0 || Number(header.baseOffset) !== segment.nextOffset) break;
      header.position = pos;
      segment.indexBatch(segment.nextOffset, pos, Number(header.maxTimestamp), header.lastOffsetDelta + 1, size);
      onBatch(header);
      pos += size;
    }
    const truncated = pos < fileSize;
    if (truncated) fs.ftruncateSync(segment.fd, pos);
    return { segment, truncated };
  }

  get descriptor(): number {
    return this.fd;
  }

  /** Records a batch already written at position (== size) in the index. */
  indexBatch(baseOffset: number, position: number, maxTimestamp: number, recordCount: number, bytes: number): void {
    const i = this.batchCount;
    if (i === this.offsets.length) this.growIndex();
    const previousMax = i === 0 ? -Infinity : this.maxTimestampsSoFar[i - 1];
    this.offsets[i] = baseOffset;
    this.positions[i] = position;
    this.maxTimestampsSoFar[i] = Math.max(maxTimestamp, previousMax);
    this.batchCount = i + 1;
    this.nextOffset = baseOffset + recordCount;
    this.size = position + bytes;
  }

  private growIndex(): void {
    const capacity = this.offsets.length * 2;
    const grow = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    this.offsets = grow(this.offsets);
    this.positions = grow(this.positions);
    this.maxTimestampsSoFar = grow(this.maxTimestampsSoFar);
  }

  /** Index of the batch containing offset (the last batch whose base offset is <= offset). */
  batchIndexFor(offset: number): number {
    let lo = 0;
    let hi = this.batchCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.offsets[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  batchBaseOffset(i: number): number {
    return this.offsets[i];
  }

  batchPosition(i: number): number {
    return this.positions[i];
  }

  /** End position of batch i (where the next batch starts). */
  batchEnd(i: number): number {
    return i + 1 < this.batchCount ? this.positions[i + 1] : this.size;
  }

  /** Index of the first batch whose maxTimestamp >= timestamp, or -1. */
  firstBatchWithTimestampAtLeast(timestamp: number): number {
    const n = this.batchCount;
    if (n === 0 || this.maxTimestampsSoFar[n - 1] < timestamp) return -1;
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.maxTimestampsSoFar[mid] >= timestamp) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /**
   * The bytes of whole batches from batch `first` on, as many as fit in maxBytes. The first batch
   * is returned even when larger than maxBytes, as long as it fits in firstBatchLimit (Kafka's
   * "at least one batch, so a consumer can always make progress"); otherwise null.
   */
  readBatches(first: number, maxBytes: number, firstBatchLimit = Infinity): Buffer | null {
    const start = this.positions[first];
    const firstSize = this.batchEnd(first) - start;
    if (firstSize > maxBytes && firstSize > firstBatchLimit) return null;
    // Largest k in (first, batchCount] with batchStart(k) - start <= maxBytes, batchStart(batchCount) = size.
    let lo = first + 1;
    let hi = this.batchCount;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      const end = mid < this.batchCount ? this.positions[mid] : this.size;
      if (end - start <= maxBytes) lo = mid;
      else hi = mid - 1;
    }
    const end = lo < this.batchCount ? this.positions[lo] : this.size;
    const out = Buffer.allocUnsafe(end - start);
    const n = readFully(this.fd, out, 0, out.length, start);
    if (n !== out.length) throw new Error(`short read in ${this.file}: ${n} of ${out.length} bytes`);
    return out;
  }

  /** The bytes of batch i alone. */
  readBatch(i: number): Buffer {
    return this.readBatches(i, 0)!;
  }

  /** Cuts the file back to its indexed size, e.g. after a failed write. */
  truncateToSize(): void {
    fs.ftruncateSync(this.fd, this.size);
  }

  close(): void {
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
  }

  delete(): void {
    this.close();
    fs.rmSync(this.file, { force: true });
  }
}
