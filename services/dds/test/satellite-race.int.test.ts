// Satellites hold changes only, whatever the concurrency and the arrival order: batches that carry
// the same keys are loaded at the same time by separate transactions (as partitions and instances
// do), in waves, in shuffled order, with repeats. Property-based (fast-check) against real Postgres.
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '@orders-dwh/shared/clients';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { satelliteRepeats } from '../src/satellite-history.ts';
import { loadVault } from '../src/vault-loader.ts';
import { hubs, satellites } from '../src/vault-model.ts';
import { VaultBatch } from '../src/vault-rows.ts';

interface NameEvent {
  user: string;
  at: string;
  name: string;
}

let db: TestDatabase;
/** One connection per concurrent batch. */
let loaders: pg.Pool;
let run = 0;

beforeAll(async () => {
  db = await createTestDatabase();
  loaders = new pg.Pool({ connectionString: db.url, max: 8 });
});
afterAll(async () => {
  await loaders?.end();
  await db?.drop();
});

const instant = (minute: number) => new Date(Date.UTC(2025, 0, 1) + minute * 60_000).toISOString();

/** A batch of name events, loaded like dds loads one: hubs, then satellites, in one transaction. */
async function loadBatch(events: readonly NameEvent[]): Promise<void> {
  const batch = new VaultBatch('race-test');
  for (const e of events) {
    const key = batch.hub(hubs.user, { user_id: e.user });
    batch.satellite(satellites.userNames, key, e.at, { username: e.name, userlogin: 'login' });
  }
  await inTransaction(loaders, (client) => loadVault(client, batch.rows(), new Date()));
}

/** Loads the batches of each wave at the same time, the waves one after another. */
async function loadInWaves(waves: NameEvent[][][]): Promise<void> {
  for (const wave of waves) await Promise.all(wave.map(loadBatch));
}

async function history(users: readonly string[]): Promise<Map<string, Array<{ at: string; name: string }>>> {
  const { rows } = await db.pool.query<{ user_id: string; load_dt: Date; username: string }>(
    `SELECT h.user_id, s.load_dt, s.username FROM dds.s_user_names s JOIN dds.h_user h USING (h_user_pk)
      WHERE h.user_id = ANY($1) ORDER BY h.user_id, s.load_dt`,
    [users],
  );
  const byUser = new Map<string, Array<{ at: string; name: string }>>(users.map((u) => [u, []]));
  for (const r of rows) byUser.get(r.user_id)!.push({ at: r.load_dt.toISOString(), name: r.username });
  return byUser;
}

/**
 * Events of a few users whose names change only forward (A…A B…B C…C, as statuses and renames
 * do), some repeated, shuffled and cut into waves of concurrent batches.
 */
const scenario = fc
  .record({
    users: fc.integer({ min: 1, max: 4 }),
    timeline: fc.array(fc.record({ gap: fc.integer({ min: 1, max: 30 }), change: fc.boolean() }), { minLength: 1, maxLength: 12 }),
    repeats: fc.array(fc.nat(), { maxLength: 6 }),
    order: fc.array(fc.nat(), { minLength: 40, maxLength: 40 }),
    waves: fc.integer({ min: 1, max: 3 }),
    batchesPerWave: fc.integer({ min: 2, max: 6 }),
  })
  .map(({ users, timeline, repeats, order, waves, batchesPerWave }) => {
    const prefix = `race-${run++}-`;
    const events: NameEvent[] = [];
    for (let u = 0; u < users; u++) {
      let minute = 0;
      let version = 0;
      timeline.forEach(({ gap, change }, i) => {
        minute += gap + u;
        if (change && i > 0) version++;
        events.push({ user: `${prefix}${u}`, at: instant(minute), name: `name v${version}` });
      });
    }
    for (const r of repeats) events.push(events[r % events.length]!);
    // A deterministic shuffle from the drawn numbers, then waves of concurrent batches.
    const shuffled = events
      .map((e, i) => ({ e, k: order[i % order.length]! * 1000 + i }))
      .sort((a, b) => a.k - b.k)
      .map((x) => x.e);
    const perWave = Math.ceil(shuffled.length / waves);
    const plan: NameEvent[][][] = [];
    for (let w = 0; w < waves; w++) {
      const slice = shuffled.slice(w * perWave, (w + 1) * perWave);
      const batches: NameEvent[][] = Array.from({ length: batchesPerWave }, () => []);
      slice.forEach((e, i) => {
        batches[i % batchesPerWave]!.push(e);
      });
      plan.push(batches.filter((b) => b.length > 0));
    }
    return { users: [...new Set(events.map((e) => e.user))], events, plan };
  });

describe('satellite history under concurrent batches', () => {
  it('holds exactly the first time each name was seen, whatever the concurrency and arrival order', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ({ users, events, plan }) => {
        await loadInWaves(plan);
        const stored = await history(users);
        for (const user of users) {
          const firstSeen = new Map<string, string>();
          for (const e of events.filter((x) => x.user === user).sort((a, b) => a.at.localeCompare(b.at))) {
            if (!firstSeen.has(e.name)) firstSeen.set(e.name, e.at);
          }
          expect(stored.get(user)).toEqual([...firstSeen].map(([name, at]) => ({ at, name })));
        }
      }),
      { numRuns: 60, seed: Number(process.env.RACE_SEED ?? 20251201) },
    );
    expect(await satelliteRepeats(db.pool)).toEqual([]);
  });

  it('never keeps two equal versions in a row, even when names come back (A, B, A)', async () => {
    const users = ['back-0', 'back-1'];
    const events = users.flatMap((user) =>
      Array.from({ length: 24 }, (_, i) => ({ user, at: instant(i * 7), name: ['A', 'B', 'A', 'C'][Math.floor(i / 3) % 4]! })),
    );
    // Every event in its own batch, eight at a time, newest first.
    const waves: NameEvent[][][] = [];
    const reversed = [...events].reverse();
    for (let i = 0; i < reversed.length; i += 8) waves.push(reversed.slice(i, i + 8).map((e) => [e]));
    await loadInWaves(waves);
    expect(await satelliteRepeats(db.pool)).toEqual([]);
    const stored = await history(users);
    const loaded = new Set(events.map((e) => `${e.user} ${e.at} ${e.name}`));
    for (const user of users) for (const row of stored.get(user)!) expect(loaded.has(`${user} ${row.at} ${row.name}`)).toBe(true);
  });
});
