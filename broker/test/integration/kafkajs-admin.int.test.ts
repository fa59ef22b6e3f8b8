import fs from 'node:fs';
import path from 'node:path';
import { AssignerProtocol, type Admin, type Kafka, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST_CONSUMER, consumeCount, recordCollector } from './support/consume.ts';
import { defaultPartitioner, kafkaFor, waitUntil } from './support/kafka-clients.ts';
import { startTestBroker, type TestBroker } from './support/test-broker.ts';

const DEFAULT_PARTITIONS = 2;

let broker: TestBroker;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  broker = await startTestBroker('admin', { defaultPartitions: DEFAULT_PARTITIONS });
  kafka = kafkaFor(broker.address, 'admin-it');
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer({ createPartitioner: defaultPartitioner });
  await producer.connect();
});

afterAll(async () => {
  await producer?.disconnect();
  await admin?.disconnect();
  await broker?.stop();
});

function offsetsByPartition(partitions: Array<{ partition: number; offset: string }>): Record<number, string> {
  return Object.fromEntries(partitions.map((p) => [p.partition, p.offset]));
}

/** Produces `perPartition` messages to every partition of topic (explicit partitions). */
async function fill(topic: string, partitions: number, perPartition: number, tag: string): Promise<void> {
  const messages = [];
  for (let p = 0; p < partitions; p++)
    for (let i = 0; i < perPartition; i++) messages.push({ partition: p, key: `${tag}-${p}-${i}`, value: `${tag} ${p} ${i}` });
  await producer.send({ topic, messages });
}

describe('kafkajs admin', () => {
  it('createTopics honours partition counts, the default count, and refuses duplicates', async () => {
    expect(await admin.createTopics({ topics: [{ topic: 'five', numPartitions: 5 }, { topic: 'defaulted' }] })).toBe(true);
    expect(await admin.createTopics({ topics: [{ topic: 'five', numPartitions: 3 }] })).toBe(false);

    const { topics } = await admin.fetchTopicMetadata({ topics: ['five', 'defaulted'] });
    const byName = new Map(topics.map((t) => [t.name, t]));
    expect(
      byName
        .get('five')!
        .partitions.map((p) => p.partitionId)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4]);
    expect(byName.get('defaulted')!.partitions).toHaveLength(DEFAULT_PARTITIONS);
    for (const p of byName.get('five')!.partitions) {
      expect(p.leader).toBe(0);
      expect(p.replicas).toEqual([0]);
      expect(p.isr).toEqual([0]);
      expect(p.partitionErrorCode).toBe(0);
    }
    expect(await admin.listTopics()).toEqual(expect.arrayContaining(['five', 'defaulted']));
    // fetchTopicMetadata without topics lists them all.
    const all = await admin.fetchTopicMetadata();
    expect(all.topics.map((t) => t.name)).toEqual(expect.arrayContaining(['five', 'defaulted']));
  });

  it('fetchTopicOffsets reports low and high watermarks per partition', async () => {
    await admin.createTopics({ topics: [{ topic: 'watermarks', numPartitions: 3 }] });
    await producer.send({
      topic: 'watermarks',
      messages: [
        { partition: 0, value: 'a' },
        { partition: 0, value: 'b' },
        { partition: 2, value: 'c' },
      ],
    });
    const offsets = await admin.fetchTopicOffsets('watermarks');
    const byPartition = new Map(offsets.map((o) => [o.partition, o]));
    expect([0, 1, 2].map((p) => [byPartition.get(p)!.low, byPartition.get(p)!.high])).toEqual([
      ['0', '2'],
      ['0', '0'],
      ['0', '1'],
    ]);
  });

  it('fetchTopicOffsetsByTimestamp finds the first message at or after a time, and the end for a time after all', async () => {
    await admin.createTopics({ topics: [{ topic: 'timed', numPartitions: 1 }] });
    const base = Date.now() - 60_000;
    await producer.send({ topic: 'timed', messages: [0, 1, 2].map((i) => ({ value: `m${i}`, timestamp: String(base + i * 1000) })) });
    expect(await admin.fetchTopicOffsetsByTimestamp('timed', base + 500)).toEqual([{ partition: 0, offset: '1' }]);
    // The broker answers -1 for "no such message" and kafkajs falls back to the high watermark.
    expect(await admin.fetchTopicOffsetsByTimestamp('timed', base + 5000)).toEqual([{ partition: 0, offset: '3' }]);
  });

  it("describeConfigs answers a topic's and the broker's configs", async () => {
    await admin.createTopics({ topics: [{ topic: 'configured', numPartitions: 1 }] });
    const { resources } = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: 2, name: 'configured', configNames: ['cleanup.policy', 'retention.ms'] },
        { type: 4, name: '0', configNames: ['num.partitions'] },
      ],
    });
    expect(resources.map((r) => [r.resourceName, r.errorCode, r.configEntries.map((e) => [e.configName, e.configValue, e.readOnly])])).toEqual([
      [
        'configured',
        0,
        [
          ['cleanup.policy', 'delete', true],
          ['retention.ms', '-1', true],
        ],
      ],
      ['0', 0, [['num.partitions', String(DEFAULT_PARTITIONS), true]]],
    ]);
  });

  it('deleteTopics removes the topic, its files and its committed offsets', async () => {
    await admin.createTopics({ topics: [{ topic: 'doomed', numPartitions: 2 }] });
    await fill('doomed', 2, 5, 'old');
    await consumeCount(kafka, 'g-doomed', 'doomed', 10);
    const topicDir = path.join(broker.dataDir, 'topics', 'doomed');
    expect(fs.existsSync(topicDir)).toBe(true);
    expect((await admin.fetchOffsets({ groupId: 'g-doomed', topics: ['doomed'] }))[0]!.partitions.map((p) => p.offset)).toEqual(['5', '5']);

    await admin.deleteTopics({ topics: ['doomed'] });
    expect(await admin.listTopics()).not.toContain('doomed');
    expect(fs.existsSync(topicDir)).toBe(false);
    expect(await admin.fetchOffsets({ groupId: 'g-doomed' })).toEqual([]);

    // Created again, it starts empty at offset 0.
    await admin.createTopics({ topics: [{ topic: 'doomed', numPartitions: 1 }] });
    expect(await admin.fetchTopicOffsets('doomed')).toEqual([expect.objectContaining({ partition: 0, low: '0', high: '0' })]);
    await producer.send({ topic: 'doomed', messages: [{ value: 'new' }] });
    const records = await consumeCount(kafka, 'g-doomed-2', 'doomed', 1);
    expect(records.map((r) => [r.offset, r.value])).toEqual([['0', 'new']]);
  });

  it('describeGroups and listGroups show a live group, then an empty one', async () => {
    const topic = 'described';
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }] });
    const consumer = kafka.consumer({ groupId: 'g-described', ...FAST_CONSUMER });
    const collector = recordCollector();
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) =>
        collector.push({ topic, partition, offset: message.offset, key: null, value: message.value!.toString() }),
    });
    try {
      await fill(topic, 3, 1, 'd');
      await collector.waitFor(3);
      const { groups } = await admin.describeGroups(['g-described', 'never-seen']);
      const live = groups.find((g) => g.groupId === 'g-described')!;
      expect(live).toMatchObject({ errorCode: 0, state: 'Stable', protocolType: 'consumer', protocol: 'RoundRobinAssigner' });
      expect(live.members).toHaveLength(1);
      expect(live.members[0]!.clientId).toBe('admin-it');
      const assignment = AssignerProtocol.MemberAssignment.decode(live.members[0]!.memberAssignment);
      expect(assignment!.assignment[topic]!.sort()).toEqual([0, 1, 2]);
      expect(groups.find((g) => g.groupId === 'never-seen')).toMatchObject({ state: 'Dead', members: [] });

      const listed = await admin.listGroups();
      expect(listed.groups).toContainEqual({ groupId: 'g-described', protocolType: 'consumer' });
    } finally {
      await consumer.disconnect();
    }
    const { groups } = await admin.describeGroups(['g-described']);
    expect(groups[0]).toMatchObject({ state: 'Empty', members: [] });
  });

  it('fetchOffsets with and without topics', async () => {
    await admin.createTopics({
      topics: [
        { topic: 'fo-a', numPartitions: 2 },
        { topic: 'fo-b', numPartitions: 1 },
        { topic: 'fo-untouched', numPartitions: 1 },
      ],
    });
    await fill('fo-a', 2, 3, 'a');
    await fill('fo-b', 1, 4, 'b');
    // One member reads both topics; its commits are what fetchOffsets must return.
    const consumer = kafka.consumer({ groupId: 'g-fo', ...FAST_CONSUMER });
    const collector = recordCollector();
    await consumer.connect();
    await consumer.subscribe({ topics: ['fo-a', 'fo-b'], fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => collector.push({ topic, partition, offset: message.offset, key: null, value: null }),
    });
    try {
      await collector.waitFor(10);
    } finally {
      await consumer.disconnect();
    }

    const some = await admin.fetchOffsets({ groupId: 'g-fo', topics: ['fo-a', 'fo-untouched'] });
    const someByTopic = new Map(some.map((t) => [t.topic, offsetsByPartition(t.partitions)]));
    expect(someByTopic.get('fo-a')).toEqual({ 0: '3', 1: '3' });
    // A partition without a commit answers -1.
    expect(someByTopic.get('fo-untouched')).toEqual({ 0: '-1' });
    expect(someByTopic.has('fo-b')).toBe(false);

    const all = await admin.fetchOffsets({ groupId: 'g-fo' });
    expect(new Map(all.map((t) => [t.topic, offsetsByPartition(t.partitions)]))).toEqual(
      new Map([
        ['fo-a', { 0: '3', 1: '3' }],
        ['fo-b', { 0: '4' }],
      ]),
    );
  });

  it('setOffsets: a consumer of the group starts at the offsets set', async () => {
    const topic = 'set-offsets';
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await fill(topic, 2, 10, 's');
    await admin.setOffsets({
      groupId: 'g-set',
      topic,
      partitions: [
        { partition: 0, offset: '7' },
        { partition: 1, offset: '4' },
      ],
    });
    const records = await consumeCount(kafka, 'g-set', topic, 3 + 6);
    const firsts = new Map<number, number>();
    for (const r of records) firsts.set(r.partition, Math.min(firsts.get(r.partition) ?? Infinity, Number(r.offset)));
    expect(firsts).toEqual(
      new Map([
        [0, 7],
        [1, 4],
      ]),
    );
    expect(records).toHaveLength(9);
  });

  // Each setOffsets/resetOffsets/resolveOffsets runs a paused kafkajs consumer that sleeps its
  // default 5 s maxWait before leaving: this test costs ~15 s whatever the broker does.
  it('resetOffsets stores -2/-1 literally, and consumers then start at the earliest or latest offset', async () => {
    const topic = 'reset-offsets';
    await admin.createTopics({ topics: [{ topic, numPartitions: 2 }] });
    await fill(topic, 2, 5, 'before');
    await consumeCount(kafka, 'g-reset', topic, 10);
    const committed = async () => offsetsByPartition((await admin.fetchOffsets({ groupId: 'g-reset', topics: [topic] }))[0]!.partitions);
    expect(await committed()).toEqual({ 0: '5', 1: '5' });

    await admin.resetOffsets({ groupId: 'g-reset', topic, earliest: true });
    expect(await committed()).toEqual({ 0: '-2', 1: '-2' });
    // kafkajs (like librdkafka) treats a negative commit as "none" and applies its own reset
    // policy (fromBeginning here), so the group reads everything again.
    const again = await consumeCount(kafka, 'g-reset', topic, 10);
    const everyBefore = [0, 1].flatMap((p) => Array.from({ length: 5 }, (_, i) => `before ${p} ${i}`));
    expect(again.map((r) => r.value).sort()).toEqual(everyBefore.sort());
    expect(await committed()).toEqual({ 0: '5', 1: '5' });

    await admin.resetOffsets({ groupId: 'g-reset', topic, earliest: false });
    expect(await committed()).toEqual({ 0: '-1', 1: '-1' });
    // resolveOffsets turns -1 into each partition's high watermark and commits that.
    const resolvedLatest = await admin.fetchOffsets({ groupId: 'g-reset', topics: [topic], resolveOffsets: true });
    expect(offsetsByPartition(resolvedLatest[0]!.partitions)).toEqual({ 0: '5', 1: '5' });
    expect(await committed()).toEqual({ 0: '5', 1: '5' });
    await fill(topic, 2, 2, 'after');
    const latest = await consumeCount(kafka, 'g-reset', topic, 4);
    expect(latest.map((r) => r.value).sort()).toEqual(['after 0 0', 'after 0 1', 'after 1 0', 'after 1 1']);
  });

  it('setOffsets is refused while the group has live members', async () => {
    const topic = 'busy';
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }] });
    const consumer = kafka.consumer({ groupId: 'g-busy', ...FAST_CONSUMER });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async () => undefined });
    try {
      await waitUntil('group stable', async () => (await admin.describeGroups(['g-busy'])).groups[0]!.state === 'Stable');
      await expect(admin.setOffsets({ groupId: 'g-busy', topic, partitions: [{ partition: 0, offset: '0' }] })).rejects.toThrow(/running|empty/i);
    } finally {
      await consumer.disconnect();
    }
  });
});
