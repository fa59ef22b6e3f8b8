// The broker run by its CLI, SIGKILLed after producing and committing, then started again on the
// same data directory, twice: every acknowledged message and every committed offset must still be
// there, and a group resumes without receiving anything it committed.
import fs from 'node:fs';
import { CompressionTypes, type Kafka } from 'kafkajs';
import { afterAll, describe, expect, it } from 'vitest';
import { killChildren, spawnTsChild, type ChildHandle } from './support/child-processes.ts';
import { consumeCount } from './support/consume.ts';
import { defaultPartitioner, kafkaFor, waitUntil } from './support/kafka-clients.ts';
import { makeTempDataDir } from './support/test-broker.ts';

const CLI = 'broker/src/cli.ts';
const TOPIC = 'durable';
const dataDir = makeTempDataDir('restart');

afterAll(async () => {
  await killChildren();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function startCliBroker(): Promise<{ child: ChildHandle; address: string }> {
  const child = spawnTsChild(CLI, ['--port', '0', '--data-dir', dataDir]);
  const address = await waitUntil(
    'the CLI to print its address',
    () => {
      if (child.exited) throw new Error(`broker exited early: ${child.stderr()}`);
      return child.text.map((line) => /listening on (\S+)/.exec(line)?.[1]).find(Boolean);
    },
    20_000,
  );
  return { child, address };
}

async function endOffsets(kafka: Kafka): Promise<Record<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    return Object.fromEntries((await admin.fetchTopicOffsets(TOPIC)).map((o) => [o.partition, o.high]));
  } finally {
    await admin.disconnect();
  }
}

async function committedOffsets(kafka: Kafka, groupId: string): Promise<Record<number, string>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [topic] = await admin.fetchOffsets({ groupId, topics: [TOPIC] });
    return Object.fromEntries(topic!.partitions.map((p) => [p.partition, p.offset]));
  } finally {
    await admin.disconnect();
  }
}

describe('restart after SIGKILL', () => {
  it('keeps every acknowledged message and committed offset, and producing continues at the right offsets', async () => {
    const first = await startCliBroker();
    const kafka1 = kafkaFor(first.address, 'before-kill');
    const admin = kafka1.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }] });
    await admin.disconnect();

    const producer = kafka1.producer({ createPartitioner: defaultPartitioner });
    await producer.connect();
    const values: string[] = [];
    for (let round = 0; round < 6; round++) {
      const messages = Array.from({ length: 50 }, (_, i) => ({ key: `k${round}-${i}`, value: `r${round}-m${i}` }));
      values.push(...messages.map((m) => m.value));
      await producer.send({ topic: TOPIC, acks: -1, compression: round % 2 ? CompressionTypes.GZIP : CompressionTypes.None, messages });
    }
    // The group reads and commits the first 300; the last 50 are produced after it left.
    await consumeCount(kafka1, 'g-durable', TOPIC, 300);
    const committedBefore = await committedOffsets(kafka1, 'g-durable');
    // A group that commits only now: after the first restart its offsets live only in the snapshot.
    await consumeCount(kafka1, 'g-first-run-only', TOPIC, 300);
    const firstRunOnly = await committedOffsets(kafka1, 'g-first-run-only');
    const late = Array.from({ length: 50 }, (_, i) => ({ key: `late${i}`, value: `late-${i}` }));
    values.push(...late.map((m) => m.value));
    await producer.send({ topic: TOPIC, acks: 1, messages: late });
    const endsBefore = await endOffsets(kafka1);
    await producer.disconnect();

    first.child.signal('SIGKILL');
    expect(await first.child.waitForExit()).toEqual({ code: null, signal: 'SIGKILL' });

    const second = await startCliBroker();
    const kafka2 = kafkaFor(second.address, 'after-kill');
    expect(await endOffsets(kafka2)).toEqual(endsBefore);
    expect(await committedOffsets(kafka2, 'g-durable')).toEqual(committedBefore);
    expect(Object.values(committedBefore).reduce((sum, o) => sum + Number(o), 0)).toBe(300);

    // Everything is readable, in its original order per partition.
    const all = await consumeCount(kafka2, 'g-fresh', TOPIC, 350);
    expect(all.map((r) => r.value).sort()).toEqual([...values].sort());
    for (const [partition, end] of Object.entries(endsBefore)) {
      const offsets = all.filter((r) => r.partition === Number(partition)).map((r) => Number(r.offset));
      expect(offsets).toEqual(Array.from({ length: Number(end) }, (_, i) => i));
    }
    // The committed group resumes after its commits: only the late messages.
    const resumed = await consumeCount(kafka2, 'g-durable', TOPIC, 50);
    expect(resumed.map((r) => r.value).sort()).toEqual(late.map((m) => m.value).sort());

    // New messages get the offsets right after the old ones.
    const producer2 = kafka2.producer({ createPartitioner: defaultPartitioner });
    await producer2.connect();
    const results = await producer2.send({ topic: TOPIC, messages: [0, 1, 2].map((partition) => ({ partition, value: `after-${partition}` })) });
    await producer2.disconnect();
    for (const r of results) expect(r.baseOffset).toBe(endsBefore[r.partition]);

    const committedAfterResume = await committedOffsets(kafka2, 'g-durable');
    const endsAfter = await endOffsets(kafka2);

    // A second restart, after a SIGKILL again: the first restart compacted the offsets into their
    // snapshot, so this one reads them from there rather than from the commit log.
    second.child.signal('SIGKILL');
    expect(await second.child.waitForExit()).toEqual({ code: null, signal: 'SIGKILL' });
    const third = await startCliBroker();
    const kafka3 = kafkaFor(third.address, 'after-second-kill');
    expect(await endOffsets(kafka3)).toEqual(endsAfter);
    expect(await committedOffsets(kafka3, 'g-durable')).toEqual(committedAfterResume);
    expect(await committedOffsets(kafka3, 'g-first-run-only')).toEqual(firstRunOnly);
    // Nothing already committed is delivered again: the group gets exactly the three new messages.
    const afterSecond = await consumeCount(kafka3, 'g-durable', TOPIC, 3);
    expect(afterSecond.map((r) => r.value).sort()).toEqual(['after-0', 'after-1', 'after-2']);

    third.child.signal('SIGTERM');
    expect(await third.child.waitForExit()).toEqual({ code: 0, signal: null });
  });
});
