import type { Admin } from 'kafkajs';
import { partitionLags } from '@orders-dwh/shared/kafka';

export interface StageGroup {
  groupId: string;
  topic: string;
}

/** Sum over partitions of end offset minus committed offset (uncommitted partitions count from the log start). */
export async function groupLag(admin: Admin, { groupId, topic }: StageGroup): Promise<number> {
  return (await partitionLags(admin, groupId, topic)).reduce((lag, { waiting }) => lag + waiting, 0);
}

/**
 * Waits until every stage has committed everything upstream produced. Stages are checked in
 * pipeline order, so a stage's output is complete before the next stage's lag is read.
 */
export async function waitForDrain(admin: Admin, stages: StageGroup[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lags: number[] = [];
  while (Date.now() < deadline) {
    lags = [];
    for (const stage of stages) lags.push(await groupLag(admin, stage));
    if (lags.every((lag) => lag === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`pipeline not drained after ${timeoutMs} ms: lags ${stages.map((s, i) => `${s.groupId}=${lags[i]}`).join(', ')}`);
}
