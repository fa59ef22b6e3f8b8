import { describe, expect, it } from 'vitest';
import { stallVerdict, type ConsumerActivity } from '../../src/stage/consumer-watchdog.ts';

const STALL_MS = 60_000;
const stalled: ConsumerActivity = { active: true, batchesInFlight: 0, idleMs: 75_000, assigned: [0, 2] };
const lag = [
  { partition: 0, waiting: 120 },
  { partition: 1, waiting: 999 },
  { partition: 2, waiting: 5 },
];

describe('stallVerdict', () => {
  it('names the idle time, the waiting messages and the partitions of the consumer they wait on', () => {
    expect(stallVerdict(stalled, lag, STALL_MS)).toBe('consumer stalled: no batch for 75 s while 125 messages wait on partitions 0, 2');
  });

  it('gives none while a batch is in flight, before the stall time, or while not running in the group', () => {
    expect(stallVerdict({ ...stalled, batchesInFlight: 1 }, lag, STALL_MS)).toBeNull();
    expect(stallVerdict({ ...stalled, idleMs: STALL_MS - 1 }, lag, STALL_MS)).toBeNull();
    expect(stallVerdict({ ...stalled, active: false }, lag, STALL_MS)).toBeNull();
  });

  it('gives none when nothing waits on its own partitions, whatever waits on the others', () => {
    expect(stallVerdict({ ...stalled, assigned: [1] }, [{ partition: 1, waiting: 0 }, ...lag.slice(0, 1)], STALL_MS)).toBeNull();
    expect(stallVerdict({ ...stalled, assigned: [] }, lag, STALL_MS)).toBeNull();
    expect(stallVerdict({ ...stalled, assigned: [3] }, lag, STALL_MS)).toBeNull();
  });
});
