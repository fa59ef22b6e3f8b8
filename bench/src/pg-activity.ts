// A poor man's Postgres profile (pg_stat_statements needs a server restart to load): samples what
// the run's busy backends are doing — on CPU, waiting on an event (WAL flush, a lock, I/O), or idle
// inside a transaction while the service computes its next statement.
import type pg from 'pg';

export interface ActivitySampler {
  stop(): Promise<Array<{ wait: string; share: number }>>;
}

export function describeBackend(state: string, waitType: string | null, wait: string | null): string {
  if (state === 'active') return waitType ? `active, waiting ${waitType}:${wait}` : 'active, on CPU';
  return state;
}

/** Share of each (state, wait event) over all busy-backend samples, largest first. */
export function activityShares(counts: ReadonlyMap<string, number>): Array<{ wait: string; share: number }> {
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  if (total === 0) return [];
  return [...counts.entries()].map(([wait, n]) => ({ wait, share: n / total })).sort((a, b) => b.share - a.share);
}

export function sampleActivity(db: pg.Pool, database: string, intervalMs = 50): ActivitySampler {
  const counts = new Map<string, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      if (db.ending) return;
      const { rows } = await db.query<{ state: string; wait_event_type: string | null; wait_event: string | null }>(
        `SELECT state, wait_event_type, wait_event FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid() AND backend_type = 'client backend' AND state <> 'idle'`,
        [database],
      );
      for (const row of rows) {
        const key = describeBackend(row.state, row.wait_event_type, row.wait_event);
        counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  })();
  // A failed sample ends the sampling; what was gathered still counts.
  const done = loop.catch(() => undefined);
  return {
    async stop() {
      running = false;
      await done;
      return activityShares(counts);
    },
  };
}
