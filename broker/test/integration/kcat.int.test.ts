// kcat (librdkafka 2.0.2) against the broker: metadata, produce, consume from either end, and a
// balanced consumer group of two kcat processes.
import { spawnSync } from 'node:child_process';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killChildren, runChild, spawnChild } from './support/child-processes.ts';
import { defaultPartitioner, kafkaFor, waitUntil } from './support/kafka-clients.ts';
import { startTestBroker, type TestBroker } from './support/test-broker.ts';

const kcatFound = spawnSync('kcat', ['-V'], { encoding: 'utf8' }).status === 0;
// Skipped on a developer's machine without kcat; under CI a missing kcat is a failure, never a skip.
const required = Boolean(process.env.CI);
if (!kcatFound) console.warn(`kcat is not on PATH: ${required ? 'failing' : 'skipping'} the kcat tests (.ci/run installs it with apt-get)`);

let broker: TestBroker;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  if (!kcatFound) return;
  broker = await startTestBroker('kcat', { defaultPartitions: 3 });
  kafka = kafkaFor(broker.address, 'kcat-it');
  admin = kafka.admin();
  await admin.connect();
  producer = kafka.producer({ createPartitioner: defaultPartitioner });
  await producer.connect();
});

afterAll(async () => {
  await killChildren();
  await producer?.disconnect();
  await admin?.disconnect();
  await broker?.stop();
});

/** Runs kcat to completion, asynchronously: the broker lives in this process's event loop. */
function kcat(args: string[], input?: string): Promise<{ stdout: string; stderr: string }> {
  return runChild('kcat', ['-b', broker.address, ...args], { input });
}

function lines(text: string): string[] {
  return text.split('\n').filter((line) => line !== '');
}

describe.runIf(required && !kcatFound)('kcat under CI', () => {
  it('is installed', () => {
    expect(kcatFound, 'kcat must be on PATH when CI is set').toBe(true);
  });
});

describe.skipIf(!kcatFound)('kcat', () => {
  it('-L lists the broker, topics and partitions', async () => {
    await admin.createTopics({ topics: [{ topic: 'kcat-meta', numPartitions: 4 }] });
    const metadata = JSON.parse((await kcat(['-L', '-J'])).stdout) as {
      controllerid: number;
      brokers: Array<{ id: number; name: string }>;
      topics: Array<{ topic: string; partitions: Array<{ partition: number; leader: number; replicas: Array<{ id: number }>; isrs: Array<{ id: number }> }> }>;
    };
    expect(metadata.controllerid).toBe(0);
    expect(metadata.brokers).toEqual([{ id: 0, name: broker.address }]);
    const topic = metadata.topics.find((t) => t.topic === 'kcat-meta')!;
    expect(topic.partitions.map((p) => p.partition).sort()).toEqual([0, 1, 2, 3]);
    for (const p of topic.partitions) expect(p).toMatchObject({ leader: 0, replicas: [{ id: 0 }], isrs: [{ id: 0 }] });

    // The plain-text listing too, as people read it.
    const text = (await kcat(['-L', '-t', 'kcat-meta'])).stdout;
    expect(text).toContain(`broker 0 at ${broker.address} (controller)`);
    expect(text).toContain('topic "kcat-meta" with 4 partitions:');
  });

  it('-P then -C -o beginning -e round-trips keys and values; -C -o end -e reads nothing old', async () => {
    const topic = 'kcat-roundtrip';
    const pairs = Array.from({ length: 40 }, (_, i) => [`key-${i}`, `value ${i} with spaces, "quotes" and ünïcode`] as const);
    await kcat(['-P', '-t', topic, '-K', '\t'], `${pairs.map(([k, v]) => `${k}\t${v}`).join('\n')}\n`);

    // kcat's messages are readable by kafkajs too: same topic, auto-created with 3 partitions.
    const offsets = await admin.fetchTopicOffsets(topic);
    expect(offsets).toHaveLength(3);
    expect(offsets.reduce((sum, o) => sum + Number(o.high), 0)).toBe(40);

    const consumed = lines((await kcat(['-C', '-t', topic, '-o', 'beginning', '-e', '-u', '-f', '%k\t%s\t%p\t%o\n'])).stdout).map((line) => line.split('\t'));
    expect(consumed.map(([k, v]) => `${k}\t${v}`).sort()).toEqual(pairs.map(([k, v]) => `${k}\t${v}`).sort());
    // librdkafka hashes keys to partitions: each key sits on one partition, offsets count up there.
    for (const partition of ['0', '1', '2']) {
      const here = consumed.filter((c) => c[2] === partition).map((c) => Number(c[3]));
      expect(here).toEqual(here.map((_, i) => i));
    }

    expect((await kcat(['-C', '-t', topic, '-o', 'end', '-e', '-u'])).stdout).toBe('');

    // Messages from kafkajs, including a gzip batch, read by kcat.
    await producer.send({ topic, messages: [{ key: 'from-kafkajs', value: 'hello kcat', partition: 1 }] });
    const tail = lines((await kcat(['-C', '-t', topic, '-p', '1', '-o', '-1', '-e', '-u', '-f', '%k=%s\n'])).stdout);
    expect(tail).toEqual(['from-kafkajs=hello kcat']);
  });

  it('-G: two kcat members of a balanced group share the partitions and consume everything', async () => {
    const topic = 'kcat-group';
    const group = 'kcat-balanced';
    await admin.createTopics({ topics: [{ topic, numPartitions: 4 }] });
    const member = (name: string) =>
      spawnChild('kcat', [
        '-b',
        broker.address,
        '-G',
        group,
        '-X',
        `client.id=${name}`,
        '-X',
        'auto.offset.reset=earliest',
        '-u',
        '-f',
        `${name}\t%p\t%o\t%s\n`,
        topic,
      ]);
    const one = member('kcat-one');
    const two = member('kcat-two');
    try {
      await waitUntil(
        'both kcat members in a Stable group',
        async () => {
          const { groups } = await admin.describeGroups([group]);
          return groups[0]!.state === 'Stable' && groups[0]!.members.length === 2;
        },
        30_000,
        200,
      );
      const values = Array.from({ length: 80 }, (_, i) => `g${i}`);
      await producer.send({ topic, messages: values.map((value, i) => ({ value, partition: i % 4 })) });

      const received = () => [...one.text, ...two.text].map((line) => line.split('\t'));
      await waitUntil(`80 values through kcat -G (have ${received().length})`, () => new Set(received().map((r) => r[3])).size >= 80, 20_000, 100);
      expect(new Set(received().map((r) => r[3]))).toEqual(new Set(values));
      // Balanced: each member owns two whole partitions, and no partition went to both.
      const partitionsOf = (lines: string[]) => new Set(lines.map((l) => l.split('\t')[1]));
      expect(partitionsOf(one.text).size).toBe(2);
      expect(partitionsOf(two.text).size).toBe(2);
      expect(new Set([...partitionsOf(one.text), ...partitionsOf(two.text)])).toEqual(new Set(['0', '1', '2', '3']));
    } finally {
      // kcat -G never exits by itself.
      one.signal('SIGKILL');
      two.signal('SIGKILL');
      await Promise.all([one.waitForExit(), two.waitForExit()]);
    }
  });
});
