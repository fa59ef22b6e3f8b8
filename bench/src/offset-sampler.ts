// Reads each stage's committed offsets over time, so that every stage's own rate and the moment the
// whole pipeline drained come from the same readings.
import type { Admin } from 'kafkajs';
import { committedTotal, endOffsetTotal } from '@orders-dwh/shared/kafka';
import type { ProgressSample } from './stats.ts';

export interface StageGroup {
  stage: 'stg' | 'dds' | 'cdm';
  groupId: string;
  topic: string;
}

export interface DrainResult {
  /** ms after `startedAt` at which every stage had committed everything upstream produced */
  drainedMs: number;
  samples: Record<StageGroup['stage'], ProgressSample[]>;
  /** end offsets of each stage's input topic once drained */
  totals: Record<StageGroup['stage'], number>;
}

/**
 * Polls every `intervalMs` until each stage has committed its input topic's end offset, checking
 * stages in pipeline order (a stage is done only when the one before it is done) and, for the
 * first stage, only once `upstreamDone()` says nothing more will be produced.
 */
export async function sampleUntilDrained(
  admin: Admin,
  stages: readonly StageGroup[],
  options: {
    startedAt: number;
    intervalMs: number;
    timeoutMs: number;
    /** give up when no stage committed anything for this long while work was left */
    stallMs?: number;
    upstreamDone(): boolean;
    onSample?(t: number): void;
  },
): Promise<DrainResult> {
  const samples = Object.fromEntries(stages.map((s) => [s.stage, [] as ProgressSample[]])) as DrainResult['samples'];
  const totals = {} as DrainResult['totals'];
  const deadline = Date.now() + options.timeoutMs;
  let lastProgressAt = Date.now();
  let lastCommitted = -1;
  for (;;) {
    let drained = options.upstreamDone();
    for (const stage of stages) {
      const committed = await committedTotal(admin, stage.groupId, stage.topic);
      samples[stage.stage].push({ t: performance.now() - options.startedAt, committed });
      if (drained) {
        const end = await endOffsetTotal(admin, stage.topic);
        totals[stage.stage] = end;
        drained = committed >= end;
      }
    }
    const t = performance.now() - options.startedAt;
    options.onSample?.(t);
    if (drained) return { drainedMs: t, samples, totals };
    const committed = stages.reduce((sum, s) => sum + samples[s.stage].at(-1)!.committed, 0);
    if (committed !== lastCommitted) {
      lastCommitted = committed;
      lastProgressAt = Date.now();
    }
    const last = () => stages.map((s) => `${s.stage}=${samples[s.stage].at(-1)?.committed}`).join(', ');
    if (Date.now() > deadline) throw new Error(`pipeline not drained after ${options.timeoutMs} ms (committed ${last()})`);
    if (options.stallMs && Date.now() - lastProgressAt > options.stallMs) {
      throw new Error(`pipeline stalled: no stage committed anything for ${options.stallMs} ms (committed ${last()})`);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs));
  }
}
