/**
 * Topics on disk: dataDir/topics/<name>/topic.json ({"partitions": N}) and one PartitionLog
 * directory per partition, dataDir/topics/<name>/<partition>/.
 *
 * A topic appears and disappears with a single rename, so a crash never leaves half a topic
 * visible: it is built in dataDir/topics-staging/ and renamed into topics/; it is deleted by
 * renaming it into dataDir/topics-trash/ and removing it from there. Both side directories are
 * emptied on open.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { INVALID_PARTITIONS, INVALID_TOPIC_EXCEPTION, NONE, TOPIC_ALREADY_EXISTS, UNKNOWN_TOPIC_OR_PARTITION } from './errors.ts';
import { fsyncDir, writeFileAtomic } from './file-io.ts';
import { PartitionLog, type PartitionLogOptions } from './partition-log.ts';
import { isValidTopicName } from './topic-name.ts';

export const MAX_PARTITIONS_PER_TOPIC = 10_000;
const METADATA_FILE = 'topic.json';

export interface Topic {
  name: string;
  partitions: PartitionLog[];
}

export interface TopicStoreOptions extends PartitionLogOptions {
  /** Partitions of an auto-created topic, and of create(name, -1). */
  defaultPartitions: number;
}

interface TopicMetadata {
  partitions: number;
}

function isPartitionCount(n: unknown): n is number {
  return Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX_PARTITIONS_PER_TOPIC;
}

export class TopicStore {
  private readonly topics = new Map<string, Topic>();
  private readonly topicsDir: string;
  private readonly stagingDir: string;
  private readonly trashDir: string;

  private constructor(
    readonly dataDir: string,
    private readonly opts: TopicStoreOptions,
  ) {
    this.topicsDir = path.join(dataDir, 'topics');
    this.stagingDir = path.join(dataDir, 'topics-staging');
    this.trashDir = path.join(dataDir, 'topics-trash');
  }

  static open(dataDir: string, opts: TopicStoreOptions): TopicStore {
    if (!isPartitionCount(opts.defaultPartitions)) {
      throw new Error(`defaultPartitions must be an integer in 1..${MAX_PARTITIONS_PER_TOPIC}`);
    }
    const store = new TopicStore(dataDir, opts);
    for (const dir of [store.stagingDir, store.trashDir]) fs.rmSync(dir, { recursive: true, force: true });
    for (const dir of [store.topicsDir, store.stagingDir, store.trashDir]) fs.mkdirSync(dir, { recursive: true });
    for (const name of fs.readdirSync(store.topicsDir).sort()) {
      if (!isValidTopicName(name) || !fs.statSync(path.join(store.topicsDir, name)).isDirectory()) continue;
      store.load(name);
    }
    return store;
  }

  private load(name: string): void {
    const topicDir = path.join(this.topicsDir, name);
    let partitions = readMetadata(topicDir)?.partitions;
    if (partitions === undefined) {
      // Not written by this store (it renames topics in whole); salvage what partitions are there.
      partitions = countPartitionDirs(topicDir);
      if (partitions === 0) {
        this.discard(topicDir);
        return;
      }
      writeFileAtomic(path.join(topicDir, METADATA_FILE), JSON.stringify({ partitions }));
    }
    this.topics.set(name, { name, partitions: this.openPartitions(topicDir, partitions) });
  }

  private openPartitions(topicDir: string, count: number): PartitionLog[] {
    const logs: PartitionLog[] = [];
    try {
      for (let p = 0; p < count; p++) logs.push(PartitionLog.open(path.join(topicDir, String(p)), this.opts));
    } catch (err) {
      for (const log of logs) log.close();
      throw err;
    }
    return logs;
  }

  get(name: string): Topic | undefined {
    return this.topics.get(name);
  }

  list(): Topic[] {
    return [...this.topics.values()];
  }

  /** Creates a topic; numPartitions -1 means the default. Returns a Kafka error code. */
  create(name: string, numPartitions: number): number {
    if (!isValidTopicName(name)) return INVALID_TOPIC_EXCEPTION;
    if (this.topics.has(name)) return TOPIC_ALREADY_EXISTS;
    const partitions = numPartitions === -1 ? this.opts.defaultPartitions : numPartitions;
    if (!isPartitionCount(partitions)) return INVALID_PARTITIONS;

    const staged = path.join(this.stagingDir, randomUUID());
    fs.mkdirSync(staged);
    for (let p = 0; p < partitions; p++) fs.mkdirSync(path.join(staged, String(p)));
    writeFileAtomic(path.join(staged, METADATA_FILE), JSON.stringify({ partitions } satisfies TopicMetadata));
    const topicDir = path.join(this.topicsDir, name);
    // A leftover directory of that name would make the rename fail; it holds nothing we know of.
    fs.rmSync(topicDir, { recursive: true, force: true });
    fs.renameSync(staged, topicDir);
    if (this.opts.fsync) fsyncDir(this.topicsDir);
    this.topics.set(name, { name, partitions: this.openPartitions(topicDir, partitions) });
    return NONE;
  }

  /** The topic, auto-created with the default partition count if missing; or an error code. */
  getOrCreate(name: string): Topic | number {
    const existing = this.topics.get(name);
    if (existing !== undefined) return existing;
    const errorCode = this.create(name, -1);
    return errorCode === NONE ? this.topics.get(name)! : errorCode;
  }

  /** Deletes a topic and its data. Returns a Kafka error code. */
  delete(name: string): number {
    const topic = this.topics.get(name);
    if (topic === undefined) return UNKNOWN_TOPIC_OR_PARTITION;
    this.topics.delete(name);
    for (const log of topic.partitions) log.close();
    this.discard(path.join(this.topicsDir, name));
    return NONE;
  }

  /** Moves a topic directory out of topics/ in one step, then removes it. */
  private discard(topicDir: string): void {
    const trashed = path.join(this.trashDir, randomUUID());
    fs.renameSync(topicDir, trashed);
    if (this.opts.fsync) fsyncDir(this.topicsDir);
    fs.rmSync(trashed, { recursive: true, force: true });
  }

  close(): void {
    for (const topic of this.topics.values()) for (const log of topic.partitions) log.close();
    this.topics.clear();
  }
}

function readMetadata(topicDir: string): TopicMetadata | undefined {
  try {
    const parsed: unknown = JSON.parse(fs.readFileSync(path.join(topicDir, METADATA_FILE), 'utf8'));
    const partitions = (parsed as { partitions?: unknown } | null)?.partitions;
    return isPartitionCount(partitions) ? { partitions } : undefined;
  } catch {
    return undefined;
  }
}

/** Partition directories 0, 1, 2, ... present without a gap. */
function countPartitionDirs(topicDir: string): number {
  let n = 0;
  while (n < MAX_PARTITIONS_PER_TOPIC && fs.existsSync(path.join(topicDir, String(n)))) n++;
  return n;
}
