import type { Admin } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ConsumerWatchdog, stallVerdict, type ConsumerActivity } from '../../src/stage/consumer-watchdog.ts';

const STALL_MS = 60_000;
const stalled: ConsumerActivity = { active: true, batchesInFlight: 0, idleMs: 75_000, assigned: [0, 2] };
const lag = [
  { partition: 0, waiting: 120 },
  { partition: 1, waiting: 999 },
  { partition: 2, waiting: 5 },
];

describe('stallVerdict', () => {
  it('names how long messages waited, how many, and the partitions of the consumer they wait on', () => {
    expect(stallVerdict(stalled, lag, 70_000, STALL_MS)).toBe('consumer stalled: no batch for 70 s while 125 messages wait on partitions 0, 2');
  });

  it('gives none while a batch is in flight, before the stall time, or while not running in the group', () => {
    expect(stallVerdict({ ...stalled, batchesInFlight: 1 }, lag, 70_000, STALL_MS)).toBeNull();
    expect(stallVerdict(stalled, lag, STALL_MS - 1, STALL_MS)).toBeNull();
    expect(stallVerdict({ ...stalled, active: false }, lag, 70_000, STALL_MS)).toBeNull();
  });

  it('gives none when a batch came after the messages began to wait', () => {
    expect(stallVerdict({ ...stalled, idleMs: 10_000 }, lag, 70_000, STALL_MS)).toBeNull();
  });

  it('gives none when nothing waits on its own partitions, whatever waits on the others', () => {
    expect(stallVerdict({ ...stalled, assigned: [1] }, [{ partition: 1, waiting: 0 }, ...lag.slice(0, 1)], 70_000, STALL_MS)).toBeNull();
    expect(stallVerdict({ ...stalled, assigned: [] }, lag, 70_000, STALL_MS)).toBeNull();
    expect(stallVerdict({ ...stalled, assigned: [3] }, lag, 70_000, STALL_MS)).toBeNull();
  });
});

describe('ConsumerWatchdog', () => {
  /** A watchdog over a consumer idle since `lastBatchAt`, with `waiting` messages on partition 0; time moves by hand. */
  function watch(lastBatchAt: number) {
    let now = 1_000_000;
    let lastActivityAt = lastBatchAt;
    const admin = {
      fetchOffsets: async () => [{ topic: 't', partitions: [{ partition: 0, offset: '10' }] }],
      fetchTopicOffsets: async () => [{ partition: 0, offset: '50', high: '50', low: '0' }],
    } as unknown as Admin;
    const stalls: string[] = [];
    const dog = new ConsumerWatchdog(
      admin,
      { groupId: 'g', topic: 't', stallMs: STALL_MS, checkEveryMs: 5_000 },
      () => ({ active: true, batchesInFlight: 0, idleMs: now - lastActivityAt, assigned: [0] }),
      (reason) => stalls.push(reason),
      () => now,
    );
    return {
      dog,
      stalls,
      advance: (ms: number) => (now += ms),
      batch: () => (lastActivityAt = now),
      at: () => now,
    };
  }

  it('counts the stall from when the messages were first seen waiting, not from the last batch', async () => {
    const clock = watch(1_000_000 - 3_600_000); // idle for an hour
    await clock.dog.check(); // messages seen waiting now
    expect(clock.stalls).toEqual([]);
    clock.advance(STALL_MS - 5_000);
    await clock.dog.check();
    expect(clock.stalls).toEqual([]);
    clock.advance(5_000);
    await clock.dog.check();
    expect(clock.stalls).toEqual(['consumer stalled: no batch for 60 s while 40 messages wait on partitions 0']);
    expect(clock.dog.stalled).toBe(clock.stalls[0]);
  });

  it('starts the clock again after a batch', async () => {
    const clock = watch(0);
    await clock.dog.check();
    clock.advance(40_000);
    clock.batch();
    clock.advance(6_000);
    await clock.dog.check();
    clock.advance(50_000);
    await clock.dog.check();
    expect(clock.stalls).toEqual([]);
    clock.advance(10_000);
    await clock.dog.check();
    expect(clock.stalls).toHaveLength(1);
  });
});
