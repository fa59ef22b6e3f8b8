/**
 * Every timer of the coordinator, by key: member sessions, pending member ids and rebalance
 * deadlines. Scheduling a key again replaces its timer. Timers are unref'd so a broker that is
 * otherwise idle can exit; after close() nothing is scheduled any more.
 */
export class GroupTimers {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private closed = false;

  static sessionKey(groupId: string, memberId: string): string {
    return JSON.stringify(['session', groupId, memberId]);
  }

  static pendingMemberKey(groupId: string, memberId: string): string {
    return JSON.stringify(['pending', groupId, memberId]);
  }

  static rebalanceKey(groupId: string): string {
    return JSON.stringify(['rebalance', groupId]);
  }

  schedule(key: string, delayMs: number, onExpire: () => void): void {
    this.cancel(key);
    if (this.closed) return;
    const timer = setTimeout(
      () => {
        this.timers.delete(key);
        onExpire();
      },
      Math.max(0, delayMs),
    );
    timer.unref();
    this.timers.set(key, timer);
  }

  cancel(key: string): void {
    const timer = this.timers.get(key);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.timers.delete(key);
  }

  get size(): number {
    return this.timers.size;
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
