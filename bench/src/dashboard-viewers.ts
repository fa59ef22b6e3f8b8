// Open dashboards, for measuring what watching costs the pipeline: each one polls the shared
// snapshot the way the page does (the next request a second after the previous answer).
import { percentiles, type Percentiles } from './stats.ts';
import type { WatchingCost } from './watching-cost.ts';

export interface ViewerFigures {
  viewers: number;
  snapshots: number;
  failures: number;
  /** time to answer GET /dashboard/snapshot */
  ms: Percentiles | null;
  /** measured before the run, while the pipeline was idle (watching-cost.ts) */
  watching_cost?: WatchingCost;
}

export function openDashboards(snapshotUrl: string, viewers: number): { close(): Promise<ViewerFigures> } {
  let open = true;
  const durations: number[] = [];
  let failures = 0;
  const viewer = async () => {
    while (open) {
      const startedAt = performance.now();
      try {
        const response = await fetch(snapshotUrl, { signal: AbortSignal.timeout(10_000) });
        await response.arrayBuffer();
        if (response.ok) durations.push(performance.now() - startedAt);
        else failures++;
      } catch {
        failures++;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  };
  const running = Array.from({ length: viewers }, viewer);
  return {
    async close() {
      open = false;
      await Promise.all(running);
      return { viewers, snapshots: durations.length, failures, ms: durations.length ? percentiles(durations) : null };
    },
  };
}
