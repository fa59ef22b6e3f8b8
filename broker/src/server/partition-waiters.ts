/**
 * Long-polling fetches wait here until a partition they read gets new data, or their time is up.
 * Keys are "topic\0partition".
 */
export class PartitionWaiters {
  private waiting = new Map<string, Set<() => void>>();

  static key(topic: string, partition: number): string {
    return `${topic}\0${partition}`;
  }

  /**
   * Resolves true when one of the keys was notified, false after timeoutMs or once `signal` aborts
   * (the connection that asked is gone: stop waiting and free the timer at once).
   */
  waitForAny(keys: string[], timeoutMs: number, signal?: AbortSignal): { promise: Promise<boolean>; cancel(): void } {
    let wake!: (notified: boolean) => void;
    const promise = new Promise<boolean>((resolve) => (wake = resolve));
    if (signal?.aborted) {
      wake(false);
      return { promise, cancel: () => undefined };
    }
    const onData = () => finish(true);
    const onAbort = () => finish(false);
    const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs));
    signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (notified: boolean) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      for (const key of keys) {
        const set = this.waiting.get(key);
        if (!set) continue;
        set.delete(onData);
        if (set.size === 0) this.waiting.delete(key);
      }
      wake(notified);
    };
    for (const key of keys) {
      let set = this.waiting.get(key);
      if (!set) {
        set = new Set();
        this.waiting.set(key, set);
      }
      set.add(onData);
    }
    return { promise, cancel: () => finish(false) };
  }

  notify(key: string): void {
    const set = this.waiting.get(key);
    if (!set) return;
    for (const wake of [...set]) wake();
  }

  /** Waiters currently registered (each counted once, whatever its number of keys). */
  get waitingCount(): number {
    const all = new Set<() => void>();
    for (const set of this.waiting.values()) for (const wake of set) all.add(wake);
    return all.size;
  }

  /** Wakes every waiter (on shutdown). */
  notifyAll(): void {
    for (const set of [...this.waiting.values()]) for (const wake of [...set]) wake();
  }
}
