import { describe, expect, it } from 'vitest';
import { DashboardFeed, OFFSETS_INTERVAL_MS, STATUS_INTERVAL_MS } from '../../src/dashboard/dashboard-feed.ts';
import { LAYERS, type OffsetsReading, type StatusReading } from '../../src/dashboard/pipeline-reading.ts';

/** Readers that record when they were called, and can be held until released. */
function recordingReaders(clock: { now: number }) {
  const calls = { offsets: [] as number[], status: [] as number[] };
  let gate = Promise.resolve();
  let release: () => void = () => undefined;
  return {
    calls,
    hold: () => (gate = new Promise((resolve) => (release = resolve))),
    release: () => release(),
    readers: {
      async offsets(): Promise<OffsetsReading> {
        calls.offsets.push(clock.now);
        await gate;
        const n = calls.offsets.length;
        return { at: clock.now, layers: LAYERS.map((layer) => ({ layer, topic: layer, groupId: layer, committed: n, end: n })), problems: [] };
      },
      async status(): Promise<StatusReading> {
        calls.status.push(clock.now);
        return { at: clock.now, services: [], freshness: [], deadLetters: null, top: null, problems: [] };
      },
    },
  };
}

describe('dashboard feed', () => {
  it('gives every viewer asking at once the same one reading, and the same snapshot object', async () => {
    const clock = { now: 0 };
    const source = recordingReaders(clock);
    const feed = new DashboardFeed(source.readers, () => clock.now);
    source.hold();
    const answers = Promise.all(Array.from({ length: 20 }, () => feed.snapshot()));
    source.release();
    const snapshots = await answers;
    expect(source.calls).toEqual({ offsets: [0], status: [0] });
    expect(new Set(snapshots).size).toBe(1);
  });

  it('reads offsets at most once a second and the rest every five seconds, however often it is asked', async () => {
    const clock = { now: 0 };
    const source = recordingReaders(clock);
    const feed = new DashboardFeed(source.readers, () => clock.now);
    for (let ms = 0; ms <= 10_000; ms += 100) {
      clock.now = ms;
      await feed.snapshot();
      await feed.snapshot();
    }
    expect(source.calls.offsets).toEqual(Array.from({ length: 11 }, (_, i) => i * OFFSETS_INTERVAL_MS));
    expect(source.calls.status).toEqual([0, STATUS_INTERVAL_MS, 2 * STATUS_INTERVAL_MS]);
  });

  it('tries again at the next request when a reading failed', async () => {
    const clock = { now: 0 };
    const source = recordingReaders(clock);
    let fail = true;
    const feed = new DashboardFeed(
      {
        offsets: () => (fail ? Promise.reject(new Error('no')) : source.readers.offsets()),
        status: () => source.readers.status(),
      },
      () => clock.now,
    );
    await expect(feed.snapshot()).rejects.toThrow('no');
    fail = false;
    expect((await feed.snapshot()).layers[0]!.processed).toBe(1);
  });
});
