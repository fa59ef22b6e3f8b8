import { describe, expect, it } from 'vitest';
import { DashboardFeed, MIN_READING_INTERVAL_MS } from '../../src/dashboard/dashboard-feed.ts';
import { LAYERS, type PipelineReading } from '../../src/dashboard/pipeline-reading.ts';

function counting(clock: { now: number }) {
  const calls: number[] = [];
  let release: () => void = () => undefined;
  let gate = Promise.resolve();
  const read = async (): Promise<PipelineReading> => {
    calls.push(clock.now);
    await gate;
    return {
      at: clock.now,
      layers: LAYERS.map((layer) => ({ layer, topic: layer, groupId: layer, committed: calls.length, end: calls.length })),
      services: [],
      freshness: null,
      deadLetters: null,
      top: null,
      problems: [],
    };
  };
  return {
    calls,
    read,
    hold: () => (gate = new Promise((resolve) => (release = resolve))),
    release: () => release(),
  };
}

describe('dashboard feed', () => {
  it('gives every viewer asking at once the same one reading', async () => {
    const clock = { now: 0 };
    const source = counting(clock);
    const feed = new DashboardFeed(source.read, () => clock.now);
    source.hold();
    const answers = Promise.all(Array.from({ length: 20 }, () => feed.snapshot()));
    source.release();
    const snapshots = await answers;
    expect(source.calls).toHaveLength(1);
    expect(new Set(snapshots.map((s) => s.layers[0]!.processed))).toEqual(new Set([1]));
  });

  it('reads at most once a second however often it is asked', async () => {
    const clock = { now: 0 };
    const source = counting(clock);
    const feed = new DashboardFeed(source.read, () => clock.now);
    for (let ms = 0; ms <= 5000; ms += 100) {
      clock.now = ms;
      await feed.snapshot();
      await feed.snapshot();
    }
    expect(source.calls).toEqual([0, 1000, 2000, 3000, 4000, 5000]);
    expect(MIN_READING_INTERVAL_MS).toBe(1000);
  });

  it('tries again at the next request when a reading failed', async () => {
    const clock = { now: 0 };
    let fail = true;
    const source = counting(clock);
    const feed = new DashboardFeed(async () => {
      if (fail) throw new Error('no');
      return source.read();
    }, () => clock.now);
    await expect(feed.snapshot()).rejects.toThrow('no');
    fail = false;
    expect((await feed.snapshot()).layers[0]!.processed).toBe(1);
  });
});
