/**
 * Committed consumer-group offsets, persisted in dataDir/offsets/:
 *  - commits.log: append-only frames [length u32][crc32c u32][JSON payload], one per commit or
 *    deletion, written with writeSync before commit() returns; a torn tail is cut off on open;
 *  - snapshot.json: the whole table, replaced atomically (temp + rename) when the log is
 *    compacted: on open, and whenever the log grows past compactBytes.
 * Replaying the log over a snapshot that already contains it gives the same table, so a crash
 * between writing the snapshot and emptying the log is harmless.
 */
import fs from 'node:fs';
import path from 'node:path';
import { crc32c } from './crc32c.ts';
import { readFully, writeFileAtomic, writeFully } from './file-io.ts';

export interface OffsetCommitEntry {
  topic: string;
  partition: number;
  /** Stored literally, including -1 / -2 (kafkajs admin.resetOffsets commits those). */
  offset: bigint;
  metadata: string | null;
}

export interface CommittedOffset {
  offset: bigint;
  metadata: string | null;
}

export interface OffsetStoreOptions {
  /** fsync the log after each write. */
  fsync?: boolean;
  /** Compact once the log is larger than this. */
  compactBytes?: number;
}

/** [topic, partition, offset as decimal string, metadata] */
type StoredEntry = [string, number, string, string | null];
type LogRecord = { g: string; o: StoredEntry[] } | { dt: string } | { dg: string };
interface Snapshot {
  version: 1;
  groups: Record<string, StoredEntry[]>;
}

const LOG_FILE = 'commits.log';
const SNAPSHOT_FILE = 'snapshot.json';
const FRAME_HEADER_BYTES = 8;
const MAX_FRAME_PAYLOAD = 64 * 1024 * 1024;
const DEFAULT_COMPACT_BYTES = 16 * 1024 * 1024;

function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

export class OffsetStore {
  private readonly groupsTable = new Map<string, Map<string, OffsetCommitEntry>>();
  private fd = -1;
  private logBytes = 0;
  private readonly dir: string;
  private readonly fsync: boolean;
  private readonly compactBytes: number;

  private constructor(dataDir: string, opts: OffsetStoreOptions) {
    this.dir = path.join(dataDir, 'offsets');
    this.fsync = opts.fsync ?? false;
    this.compactBytes = opts.compactBytes ?? DEFAULT_COMPACT_BYTES;
  }

  /** Opens (creating if needed) the offsets kept under dataDir/offsets/. */
  static open(dataDir: string, opts: OffsetStoreOptions = {}): OffsetStore {
    const store = new OffsetStore(dataDir, opts);
    fs.mkdirSync(store.dir, { recursive: true });
    store.loadSnapshot();
    store.fd = fs.openSync(path.join(store.dir, LOG_FILE), fs.existsSync(path.join(store.dir, LOG_FILE)) ? 'r+' : 'w+');
    store.replayLog();
    if (store.logBytes > 0) store.compact();
    return store;
  }

  private loadSnapshot(): void {
    const file = path.join(this.dir, SNAPSHOT_FILE);
    if (!fs.existsSync(file)) return;
    let snapshot: Snapshot;
    try {
      snapshot = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
    } catch (err) {
      // Written atomically, so this is not a torn write: refuse to start rather than lose offsets.
      throw new Error(`offset snapshot ${file} is unreadable: ${(err as Error).message}`);
    }
    if (snapshot.version !== 1) throw new Error(`offset snapshot ${file} has unknown version ${String(snapshot.version)}`);
    for (const [groupId, entries] of Object.entries(snapshot.groups)) this.applyCommit(groupId, entries);
  }

  /** Applies every whole frame of the log and truncates it after the last one. */
  private replayLog(): void {
    const size = fs.fstatSync(this.fd).size;
    const buf = Buffer.allocUnsafe(size);
    readFully(this.fd, buf, 0, size, 0);
    let pos = 0;
    while (pos + FRAME_HEADER_BYTES <= size) {
      const length = buf.readUInt32BE(pos);
      const end = pos + FRAME_HEADER_BYTES + length;
      if (length > MAX_FRAME_PAYLOAD || end > size) break;
      if (crc32c(buf, pos + FRAME_HEADER_BYTES, end) !== buf.readUInt32BE(pos + 4)) break;
      let record: LogRecord;
      try {
        record = JSON.parse(buf.toString('utf8', pos + FRAME_HEADER_BYTES, end)) as LogRecord;
      } catch {
        break;
      }
      this.applyRecord(record);
      pos = end;
    }
    if (pos < size) fs.ftruncateSync(this.fd, pos);
    this.logBytes = pos;
  }

  private applyRecord(record: LogRecord): void {
    if ('g' in record) this.applyCommit(record.g, record.o);
    else if ('dt' in record) this.applyDeleteTopic(record.dt);
    else this.groupsTable.delete(record.dg);
  }

  private applyCommit(groupId: string, entries: StoredEntry[]): void {
    let group = this.groupsTable.get(groupId);
    if (group === undefined) {
      group = new Map();
      this.groupsTable.set(groupId, group);
    }
    for (const [topic, partition, offset, metadata] of entries) {
      group.set(partitionKey(topic, partition), { topic, partition, offset: BigInt(offset), metadata });
    }
  }

  private applyDeleteTopic(topic: string): boolean {
    let changed = false;
    for (const [groupId, group] of this.groupsTable) {
      for (const [key, entry] of group) {
        if (entry.topic === topic) {
          group.delete(key);
          changed = true;
        }
      }
      if (group.size === 0) this.groupsTable.delete(groupId);
    }
    return changed;
  }

  private appendRecord(record: LogRecord): void {
    if (this.fd < 0) throw new Error('OffsetStore is closed');
    const payload = Buffer.from(JSON.stringify(record));
    const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
    frame.writeUInt32BE(payload.length, 0);
    frame.writeUInt32BE(crc32c(payload), 4);
    payload.copy(frame, FRAME_HEADER_BYTES);
    writeFully(this.fd, frame, this.logBytes);
    if (this.fsync) fs.fsyncSync(this.fd);
    this.logBytes += frame.length;
  }

  /** Records commits for a group; durable (written to the log) when it returns. */
  commit(groupId: string, entries: OffsetCommitEntry[]): void {
    if (entries.length === 0) return;
    const stored = entries.map((e): StoredEntry => [e.topic, e.partition, e.offset.toString(), e.metadata]);
    this.appendRecord({ g: groupId, o: stored });
    this.applyCommit(groupId, stored);
    if (this.logBytes > this.compactBytes) this.compact();
  }

  get(groupId: string, topic: string, partition: number): CommittedOffset | undefined {
    const entry = this.groupsTable.get(groupId)?.get(partitionKey(topic, partition));
    return entry === undefined ? undefined : { offset: entry.offset, metadata: entry.metadata };
  }

  listForGroup(groupId: string): OffsetCommitEntry[] {
    const group = this.groupsTable.get(groupId);
    return group === undefined ? [] : [...group.values()].map((e) => ({ ...e }));
  }

  /** Groups that have at least one committed offset. */
  groups(): string[] {
    return [...this.groupsTable.keys()];
  }

  /** Forgets every group's offsets for a deleted topic. */
  deleteTopic(topic: string): void {
    const affected = [...this.groupsTable.values()].some((g) => [...g.values()].some((e) => e.topic === topic));
    if (!affected) return;
    this.appendRecord({ dt: topic });
    this.applyDeleteTopic(topic);
  }

  /** Forgets all of a group's offsets (DeleteGroups). */
  deleteGroup(groupId: string): void {
    if (!this.groupsTable.has(groupId)) return;
    this.appendRecord({ dg: groupId });
    this.groupsTable.delete(groupId);
  }

  /** Writes the table as a new snapshot, then empties the log. */
  compact(): void {
    const groups: Record<string, StoredEntry[]> = {};
    for (const [groupId, group] of this.groupsTable) {
      groups[groupId] = [...group.values()].map((e) => [e.topic, e.partition, e.offset.toString(), e.metadata]);
    }
    writeFileAtomic(path.join(this.dir, SNAPSHOT_FILE), JSON.stringify({ version: 1, groups } satisfies Snapshot));
    fs.ftruncateSync(this.fd, 0);
    if (this.fsync) fs.fsyncSync(this.fd);
    this.logBytes = 0;
  }

  close(): void {
    if (this.fd >= 0) {
      fs.closeSync(this.fd);
      this.fd = -1;
    }
  }
}
