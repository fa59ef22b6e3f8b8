import { afterEach, describe, expect, it, vi } from 'vitest';
import { PartitionWaiters } from '../../src/server/partition-waiters.ts';

afterEach(() => {
  vi.useRealTimers();
});

describe('PartitionWaiters', () => {
  it('wakes a waiter when one of its keys is notified, and forgets it', async () => {
    const waiters = new PartitionWaiters();
    const a = PartitionWaiters.key('t', 0);
    const b = PartitionWaiters.key('t', 1);
    const { promise } = waiters.waitForAny([a, b], 10_000);
    waiters.notify(b);
    expect(await promise).toBe(true);
    expect(waiters.waitingCount).toBe(0);
  });

  it('ignores notifications for other keys and resolves false at the timeout', async () => {
    vi.useFakeTimers();
    const waiters = new PartitionWaiters();
    const { promise } = waiters.waitForAny([PartitionWaiters.key('t', 0)], 500);
    waiters.notify(PartitionWaiters.key('t', 1));
    waiters.notify(PartitionWaiters.key('u', 0));
    let settled: boolean | undefined;
    void promise.then((v) => (settled = v));
    await vi.advanceTimersByTimeAsync(499);
    expect(settled).toBeUndefined();
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(false);
    expect(waiters.waitingCount).toBe(0);
  });

  it('cancel resolves false and removes the waiter; a later notify is harmless', async () => {
    const waiters = new PartitionWaiters();
    const key = PartitionWaiters.key('t', 0);
    const wait = waiters.waitForAny([key], 10_000);
    expect(waiters.waitingCount).toBe(1);
    wait.cancel();
    expect(await wait.promise).toBe(false);
    expect(waiters.waitingCount).toBe(0);
    waiters.notify(key);
  });

  it('an aborted signal ends the wait at once', async () => {
    const waiters = new PartitionWaiters();
    const abort = new AbortController();
    const wait = waiters.waitForAny([PartitionWaiters.key('t', 0)], 10_000, abort.signal);
    abort.abort();
    expect(await wait.promise).toBe(false);
    expect(waiters.waitingCount).toBe(0);
    const already = waiters.waitForAny([PartitionWaiters.key('t', 0)], 10_000, abort.signal);
    expect(await already.promise).toBe(false);
    expect(waiters.waitingCount).toBe(0);
  });

  it('notify wakes every waiter of the key; notifyAll wakes everyone', async () => {
    const waiters = new PartitionWaiters();
    const key = PartitionWaiters.key('t', 0);
    const first = waiters.waitForAny([key], 10_000);
    const second = waiters.waitForAny([key, PartitionWaiters.key('t', 1)], 10_000);
    const other = waiters.waitForAny([PartitionWaiters.key('x', 0)], 10_000);
    waiters.notify(key);
    expect(await Promise.all([first.promise, second.promise])).toEqual([true, true]);
    expect(waiters.waitingCount).toBe(1);
    waiters.notifyAll();
    expect(await other.promise).toBe(true);
    expect(waiters.waitingCount).toBe(0);
  });
});
