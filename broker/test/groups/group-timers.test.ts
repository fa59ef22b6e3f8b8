import { afterEach, describe, expect, it, vi } from 'vitest';
import { GroupTimers } from '../../src/groups/group-timers.ts';
import { GroupCoordinator } from '../../src/groups/group-coordinator.ts';
import { InMemoryOffsetStore } from './in-memory-offset-store.ts';
import { flush, formStableGroup, JOIN_VERSION, joinAsNewMember, joinRequest, track } from './group-test-helpers.ts';

afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

describe('GroupTimers', () => {
  it("creates unref'd timers, replaces a key when rescheduled and schedules nothing after close", () => {
    const created: NodeJS.Timeout[] = [];
    const realSetTimeout = globalThis.setTimeout;
    vi.spyOn(globalThis, 'setTimeout').mockImplementation(((fn: () => void, ms?: number) => {
      const timer = realSetTimeout(fn, ms);
      created.push(timer);
      return timer;
    }) as typeof setTimeout);

    const timers = new GroupTimers();
    const fired: string[] = [];
    timers.schedule('k', 10_000, () => fired.push('first'));
    timers.schedule('k', 10_000, () => fired.push('second'));
    expect(timers.size).toBe(1);
    expect(created).toHaveLength(2);
    for (const timer of created) expect(timer.hasRef()).toBe(false);

    timers.close();
    expect(timers.size).toBe(0);
    timers.schedule('late', 1, () => fired.push('late'));
    expect(timers.size).toBe(0);
    expect(fired).toEqual([]);
  });
});

describe('GroupCoordinator with real timers', () => {
  it('expires a silent member after its real session timeout', async () => {
    const coordinator = new GroupCoordinator(new InMemoryOffsetStore(), { minSessionTimeoutMs: 100 });
    try {
      const { memberIds, generationId } = await formStableGroup(coordinator, ['a', 'b'], { sessionTimeoutMs: 250 });
      const a = memberIds.get('a')!;
      const heartbeat = () => coordinator.heartbeat(3, { groupId: 'g1', generationId, memberId: a, groupInstanceId: null }).errorCode;
      const startedAt = Date.now();
      let errorCode = heartbeat();
      while (errorCode === 0 && Date.now() - startedAt < 2_000) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        errorCode = heartbeat();
      }
      const elapsed = Date.now() - startedAt;
      expect(errorCode).toBe(27);
      expect(elapsed).toBeGreaterThanOrEqual(200);
      expect(elapsed).toBeLessThan(1_000);
      expect(coordinator.describeGroups(['g1']).groups[0]!.members.map((m) => m.memberId)).toEqual([a]);
    } finally {
      coordinator.close();
    }
  });

  it('close() clears every timer and answers held requests with NOT_COORDINATOR', async () => {
    vi.useFakeTimers();
    const coordinator = new GroupCoordinator(new InMemoryOffsetStore(), { minSessionTimeoutMs: 100 });
    const { memberIds } = await formStableGroup(coordinator, ['a']);
    const b = await joinAsNewMember(coordinator, { clientId: 'b' });
    const bJoin = track(b.joined);
    expect(coordinator.activeTimerCount).toBeGreaterThan(0);

    coordinator.close();
    await flush();
    expect(coordinator.activeTimerCount).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
    expect(bJoin.value!.errorCode).toBe(16);
    const after = await coordinator.joinGroup(JOIN_VERSION, joinRequest({ clientId: 'a', memberId: memberIds.get('a')! }));
    expect(after.errorCode).toBe(16);
    expect(vi.getTimerCount()).toBe(0);
  });
});
