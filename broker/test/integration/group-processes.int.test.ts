// A consumer group whose members are separate processes: members join, one leaves cleanly, one
// is SIGKILLed (its partitions move on after its session timeout), a new one joins, all while a
// producer keeps producing. In the end every message was consumed and the commits are at the end.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { killChildren, spawnTsChild, type ChildHandle } from './support/child-processes.ts';
import { defaultPartitioner, kafkaFor, waitUntil } from './support/kafka-clients.ts';
import { startTestBroker, type TestBroker } from './support/test-broker.ts';

type WorkerLine =
  | { event: 'joined'; member: string; memberId: string; isLeader: boolean; assignment: number[] }
  | { event: 'message'; member: string; partition: number; offset: number; value: string }
  | { event: 'running' | 'left'; member: string }
  | { event: 'crash' | 'leave-failed'; member: string; error: string };

const WORKER = path.join(path.dirname(fileURLToPath(import.meta.url)), 'workers', 'group-consumer.ts');
const TOPIC = 'group-work';
const GROUP = 'three-processes';
const PARTITIONS = 6;

let broker: TestBroker;
let kafka: Kafka;
let admin: Admin;
let producer: Producer;

beforeAll(async () => {
  // The workers use a 6 s session timeout; Kafka's default minimum is 6 s, so allow lower to be safe.
  broker = await startTestBroker('group-processes', { minSessionTimeoutMs: 1_000 });
  kafka = kafkaFor(broker.address, 'group-it');
  admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }] });
  producer = kafka.producer({ createPartitioner: defaultPartitioner });
  await producer.connect();
});

afterAll(async () => {
  await killChildren();
  await producer?.disconnect();
  await admin?.disconnect();
  await broker?.stop();
});

/** Produces a numbered message every few ms until stopped; resolves with how many were acknowledged. */
function keepProducing(): { stop(): Promise<number>; produced(): number } {
  let running = true;
  let acknowledged = 0;
  const loop = (async () => {
    for (let n = 0; running; n += 5) {
      await producer.send({ topic: TOPIC, messages: Array.from({ length: 5 }, (_, i) => ({ key: `k${n + i}`, value: `m${n + i}` })) });
      acknowledged = n + 5;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return {
    produced: () => acknowledged,
    async stop() {
      running = false;
      await loop;
      return acknowledged;
    },
  };
}

async function describeGroup() {
  return (await admin.describeGroups([GROUP])).groups[0]!;
}

/** Waits until the group is Stable with exactly these member client ids. */
async function waitForStableMembers(clientIds: string[], timeoutMs: number): Promise<void> {
  const wanted = [...clientIds].sort().join(',');
  await waitUntil(
    `group Stable with ${wanted}`,
    async () => {
      const group = await describeGroup();
      return (
        group.state === 'Stable' &&
        group.members
          .map((m) => m.clientId)
          .sort()
          .join(',') === wanted
      );
    },
    timeoutMs,
    100,
  );
}

/** The latest assignment each member reported, once every member's latest join covers all partitions exactly once. */
function latestAssignments(workers: ChildHandle<WorkerLine>[]): Map<string, number[]> {
  const result = new Map<string, number[]>();
  for (const w of workers) {
    const joins = w.lines.filter((l): l is Extract<WorkerLine, { event: 'joined' }> => l.event === 'joined');
    const last = joins[joins.length - 1];
    if (last)
      result.set(
        last.member,
        [...last.assignment].sort((a, b) => a - b),
      );
  }
  return result;
}

function messagesOf(workers: ChildHandle<WorkerLine>[]): Array<Extract<WorkerLine, { event: 'message' }>> {
  return workers.flatMap((w) => w.lines.filter((l): l is Extract<WorkerLine, { event: 'message' }> => l.event === 'message'));
}

describe('a consumer group of separate processes', () => {
  it('survives joins, a clean leave, a SIGKILLed member and a late joiner without losing messages', async () => {
    const producing = keepProducing();
    const spawnMember = (name: string) => spawnTsChild<WorkerLine>(WORKER, [broker.address, GROUP, TOPIC, name]);

    const a = spawnMember('member-a');
    const b = spawnMember('member-b');
    const c = spawnMember('member-c');
    await waitForStableMembers(['member-a', 'member-b', 'member-c'], 30_000);
    // Each of the three got two partitions and is consuming.
    await waitUntil('all three consuming', () => [a, b, c].every((w) => w.lines.some((l) => l.event === 'message')), 15_000);
    const threeWay = latestAssignments([a, b, c]);
    expect([...threeWay.values()].map((parts) => parts.length)).toEqual([2, 2, 2]);
    expect([...threeWay.values()].flat().sort()).toEqual([0, 1, 2, 3, 4, 5]);

    // A leaves cleanly: LeaveGroup, B and C take its partitions at once.
    a.signal('SIGTERM');
    expect(await a.waitForExit()).toEqual({ code: 0, signal: null });
    expect(a.lines.some((l) => l.event === 'left')).toBe(true);
    await waitForStableMembers(['member-b', 'member-c'], 15_000);

    // B dies without a word: only its session timeout (6 s) tells the broker.
    const killedAt = Date.now();
    b.signal('SIGKILL');
    await b.waitForExit();
    await waitForStableMembers(['member-c'], 30_000);
    const detectedAfter = Date.now() - killedAt;
    expect(detectedAfter).toBeGreaterThanOrEqual(5_000);
    await waitUntil('C owns every partition', () => latestAssignments([c]).get('member-c')?.length === PARTITIONS, 10_000);

    // A newcomer joins and gets a share.
    const d = spawnMember('member-d');
    await waitForStableMembers(['member-c', 'member-d'], 30_000);
    await waitUntil('C and D split the partitions', () => {
      const split = latestAssignments([c, d]);
      return split.get('member-c')?.length === 3 && split.get('member-d')?.length === 3;
    });
    await waitUntil('D consuming', () => d.lines.some((l) => l.event === 'message'), 15_000);

    const total = await producing.stop();
    expect(total).toBeGreaterThan(100);

    // Every acknowledged message was consumed by someone, at least once.
    const workers = [a, b, c, d];
    await waitUntil(`all ${total} messages consumed`, () => new Set(messagesOf(workers).map((m) => m.value)).size >= total, 20_000, 200);
    const consumed = new Set(messagesOf(workers).map((m) => m.value));
    const missing = Array.from({ length: total }, (_, i) => `m${i}`).filter((v) => !consumed.has(v));
    expect(missing).toEqual([]);

    // The group's committed offsets reach the end of every partition.
    const ends = new Map((await admin.fetchTopicOffsets(TOPIC)).map((o) => [o.partition, o.high]));
    expect([...ends.values()].reduce((sum, high) => sum + Number(high), 0)).toBe(total);
    await waitUntil(
      'committed offsets at the end offsets',
      async () => {
        const [committed] = await admin.fetchOffsets({ groupId: GROUP, topics: [TOPIC] });
        return committed!.partitions.every((p) => p.offset === ends.get(p.partition));
      },
      10_000,
      200,
    );

    for (const w of [c, d]) w.signal('SIGTERM');
    for (const w of [c, d]) expect(await w.waitForExit()).toEqual({ code: 0, signal: null });
    expect((await describeGroup()).state).toBe('Empty');
    // No member crashed along the way.
    expect(workers.flatMap((w) => w.lines).filter((l) => l.event === 'crash' || l.event === 'leave-failed')).toEqual([]);
  });
});
