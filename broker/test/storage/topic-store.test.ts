import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INVALID_PARTITIONS, INVALID_TOPIC_EXCEPTION, NONE, TOPIC_ALREADY_EXISTS, UNKNOWN_TOPIC_OR_PARTITION } from '../../src/storage/errors.ts';
import { isValidTopicName } from '../../src/storage/topic-name.ts';
import { TopicStore, type Topic } from '../../src/storage/topic-store.ts';
import { encodeBatch, makeMessages } from './kafkajs-batches.ts';
import { makeTempDir } from './temp-dir.ts';

let tmp: { dir: string; remove: () => void };
const stores: TopicStore[] = [];

function open(defaultPartitions = 3): TopicStore {
  const store = TopicStore.open(tmp.dir, { defaultPartitions, segmentBytes: 4096 });
  stores.push(store);
  return store;
}

const topicsDir = () => path.join(tmp.dir, 'topics');

beforeEach(() => {
  tmp = makeTempDir('topics');
});

afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  tmp.remove();
});

describe('isValidTopicName', () => {
  it('follows Kafka: 1-249 chars of [a-zA-Z0-9._-], not "." or ".."', () => {
    for (const ok of ['a', 'orders', 'Orders.v2_raw-1', '...', '.hidden', 'x'.repeat(249)]) {
      expect(isValidTopicName(ok), ok).toBe(true);
    }
    for (const bad of ['', '.', '..', 'x'.repeat(250), 'a b', 'a/b', 'a\\b', 'ü', 'a:b', 'a\u0000b']) {
      expect(isValidTopicName(bad), JSON.stringify(bad)).toBe(false);
    }
  });
});

describe('TopicStore', () => {
  it('creates topics with the given or default partition count and rejects bad requests', () => {
    const store = open(3);
    expect(store.create('orders', 2)).toBe(NONE);
    expect(store.create('payments', -1)).toBe(NONE);
    expect(store.create('orders', 5)).toBe(TOPIC_ALREADY_EXISTS);
    expect(store.create('bad name', 1)).toBe(INVALID_TOPIC_EXCEPTION);
    expect(store.create('..', 1)).toBe(INVALID_TOPIC_EXCEPTION);
    expect(store.create('zero', 0)).toBe(INVALID_PARTITIONS);
    expect(store.create('negative', -5)).toBe(INVALID_PARTITIONS);
    expect(store.get('orders')?.partitions).toHaveLength(2);
    expect(store.get('payments')?.partitions).toHaveLength(3);
    expect(store.get('zero')).toBeUndefined();
    expect(
      store
        .list()
        .map((t) => t.name)
        .sort(),
    ).toEqual(['orders', 'payments']);
    expect(fs.readdirSync(path.join(topicsDir(), 'orders')).sort()).toEqual(['0', '1', 'topic.json']);
  });

  it('getOrCreate auto-creates with the default count and returns an error code for invalid names', () => {
    const store = open(4);
    const created = store.getOrCreate('auto');
    expect(typeof created).toBe('object');
    expect((created as Topic).partitions).toHaveLength(4);
    expect(store.getOrCreate('auto')).toBe(created);
    expect(store.getOrCreate('no/slashes')).toBe(INVALID_TOPIC_EXCEPTION);
  });

  it('keeps topics and their data across reopen', async () => {
    const store = open();
    store.create('orders', 2);
    const p1 = store.get('orders')!.partitions[1];
    for (let i = 0; i < 10; i++) p1.append(await encodeBatch(makeMessages(5, `r${i}`, 100)));
    store.close();

    const reopened = open();
    expect(reopened.list().map((t) => t.name)).toEqual(['orders']);
    const topic = reopened.get('orders')!;
    expect(topic.partitions).toHaveLength(2);
    expect(topic.partitions[0].highWatermark).toBe(0n);
    expect(topic.partitions[1].highWatermark).toBe(50n);
    expect(fs.readdirSync(path.join(topicsDir(), 'orders', '1')).length).toBeGreaterThan(1); // segmentBytes passed down
  });

  it('deletes a topic with its data; it can be created again empty', async () => {
    const store = open();
    store.create('temp', 1);
    const log = store.get('temp')!.partitions[0];
    log.append(await encodeBatch(makeMessages(3, 'x')));
    expect(store.delete('temp')).toBe(NONE);
    expect(store.delete('temp')).toBe(UNKNOWN_TOPIC_OR_PARTITION);
    expect(store.get('temp')).toBeUndefined();
    expect(fs.existsSync(path.join(topicsDir(), 'temp'))).toBe(false);
    expect(log.append(await encodeBatch(makeMessages(1, 'late'))).errorCode).toBe(UNKNOWN_TOPIC_OR_PARTITION);
    expect(store.create('temp', 2)).toBe(NONE);
    expect(store.get('temp')!.partitions[0].highWatermark).toBe(0n);
    store.close();
    expect(open().get('temp')!.partitions).toHaveLength(2);
  });

  it('starts cleanly over what a killed process can leave half-done', () => {
    const store = open(2);
    store.create('good', 2);
    store.close();
    // a topic being created when the process died (still in staging) and one being deleted (in trash)
    fs.mkdirSync(path.join(tmp.dir, 'topics-staging', 'abc', '0'), { recursive: true });
    fs.mkdirSync(path.join(tmp.dir, 'topics-trash', 'def', '0'), { recursive: true });
    // a topic directory without metadata but with partitions, one with a corrupt metadata file,
    // an empty one, and entries that are not topics at all
    fs.mkdirSync(path.join(topicsDir(), 'nometa', '0'), { recursive: true });
    fs.mkdirSync(path.join(topicsDir(), 'nometa', '1'), { recursive: true });
    fs.mkdirSync(path.join(topicsDir(), 'badmeta', '0'), { recursive: true });
    fs.writeFileSync(path.join(topicsDir(), 'badmeta', 'topic.json'), '{"partit');
    fs.mkdirSync(path.join(topicsDir(), 'empty'));
    fs.writeFileSync(path.join(topicsDir(), 'stray-file'), 'x');
    fs.mkdirSync(path.join(topicsDir(), 'not a topic'));

    const reopened = open(2);
    expect(
      reopened
        .list()
        .map((t) => [t.name, t.partitions.length])
        .sort(),
    ).toEqual([
      ['badmeta', 1],
      ['good', 2],
      ['nometa', 2],
    ]);
    expect(fs.readdirSync(path.join(tmp.dir, 'topics-staging'))).toEqual([]);
    expect(fs.readdirSync(path.join(tmp.dir, 'topics-trash'))).toEqual([]);
    expect(fs.existsSync(path.join(topicsDir(), 'empty'))).toBe(false);
    expect(JSON.parse(fs.readFileSync(path.join(topicsDir(), 'nometa', 'topic.json'), 'utf8'))).toEqual({ partitions: 2 });
    expect(reopened.create('empty', 1)).toBe(NONE);
  });
});
