// What the outage and hang tests ask of a running pipeline: each service's /health, the groups'
// committed offsets and unfinished work, that every service still runs, and that the warehouse
// holds exactly what the topic says.
import { expect } from 'vitest';
import { committedOffsets } from '../../support/service-harness.ts';
import { groupLag } from '../../support/drain.ts';
import { SERVICE_NAMES, type ServiceName } from '../../support/service-processes.ts';
import { expectedWarehouse } from './expected-warehouse.ts';
import type { STAGES, PipelineUnderTest } from './pipeline-under-test.ts';
import { diffWarehouse } from './warehouse-diff.ts';

export interface Health {
  status: number;
  failing: string[];
  checks: Record<string, { status: string; error?: string }>;
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The checks, over the pipeline the test started (read when called); services started with start() report their last words if they exit. */
export function pipelineChecks(pipeline: () => PipelineUnderTest) {
  /** Last words of services that exited, for failure messages. */
  const exitedOutput = new Map<ServiceName, string>();

  /** Starts a service of the fleet (env: this process's own changes) and keeps its output should it exit. */
  async function start(name: ServiceName, env?: Record<string, string | undefined>): Promise<void> {
    const proc = await pipeline().fleet.start(name, env);
    void proc.exited.then(({ code, signal }) => exitedOutput.set(name, `exit ${code} ${signal}\n${proc.output.slice(-40).join('')}`));
  }

  async function health(name: ServiceName): Promise<Health> {
    const proc = pipeline().fleet.running.get(name);
    if (!proc) throw new Error(`${name} is not running`);
    const response = await fetch(pipeline().fleet.url(name, '/health')).catch((error: Error) => {
      throw new Error(`${name}: ${error.message}\n${proc.output.slice(-20).join('')}`);
    });
    const body = (await response.json()) as { failing?: string[]; checks: Health['checks'] };
    return { status: response.status, failing: body.failing ?? [], checks: body.checks };
  }

  /** Polls until every named service reports the dependency failing (503); returns the last reports. */
  async function waitUntilReported(names: ServiceName[], dependency: string, timeoutMs: number): Promise<Record<string, Health>> {
    const deadline = Date.now() + timeoutMs;
    let last: Record<string, Health> = {};
    while (Date.now() < deadline) {
      last = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await health(n)] as const)));
      if (names.every((n) => last[n]!.status === 503 && last[n]!.failing.includes(dependency))) return last;
      await sleep(250);
    }
    throw new Error(`not every service reported ${dependency} failing: ${JSON.stringify(last)}`);
  }

  async function waitUntilHealthy(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: Array<[ServiceName, Health | string]> = [];
    while (Date.now() < deadline) {
      last = await Promise.all(SERVICE_NAMES.map(async (n) => [n, await health(n).catch((e: Error) => e.message)] as [ServiceName, Health | string]));
      if (last.every(([, h]) => typeof h !== 'string' && h.status === 200)) return;
      await sleep(250);
    }
    throw new Error(`not healthy again after ${timeoutMs} ms: ${JSON.stringify(last)}`);
  }

  async function offsetsOf(groups: typeof STAGES): Promise<string> {
    const all = await Promise.all(groups.map(async (g) => [g.groupId, [...(await committedOffsets(pipeline().admin, g.groupId, g.topic))].sort()]));
    return JSON.stringify(all);
  }

  /** Messages the groups have not committed yet: a fault must catch work in flight to prove anything. */
  async function unfinished(groups: typeof STAGES): Promise<number> {
    let total = 0;
    for (const group of groups) total += await groupLag(pipeline().admin, group);
    return total;
  }

  function expectAllRunning(): void {
    for (const name of SERVICE_NAMES) {
      const proc = pipeline().fleet.running.get(name);
      expect(proc, `${name} is not running:\n${exitedOutput.get(name) ?? ''}`).toBeDefined();
      expect(proc!.child.exitCode, `${name} exited:\n${proc!.output.slice(-20).join('')}`).toBeNull();
    }
  }

  async function expectExactWarehouse(): Promise<void> {
    const expected = expectedWarehouse(await pipeline().orderEvents());
    const diff = await diffWarehouse(pipeline().db.pool, expected);
    expect(diff).toEqual({ stg: [], dds: [], cdm: [], groundTruth: [], deadLetters: 0 });
  }

  /** Messages the service has fully processed from its input topic (its /metrics). */
  async function consumed(name: ServiceName): Promise<number> {
    const text = await (await fetch(pipeline().fleet.url(name, '/metrics'))).text();
    return [...text.matchAll(/^dwh_messages_consumed_total\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);
  }

  /**
   * A group's committed offsets (summed over partitions) never run ahead of what its service fully
   * processed (written, forwarded, then committed): an offset committed before the write would show
   * here while the write is held by the fault. Offsets are read first, so a batch finishing in
   * between only adds to the processed side.
   */
  async function expectCommittedWithinProcessed(groups: typeof STAGES): Promise<void> {
    for (const group of groups) {
      const committed = [...(await committedOffsets(pipeline().admin, group.groupId, group.topic)).values()].reduce((sum, o) => sum + Math.max(0, o), 0);
      const processed = await consumed(group.groupId.replace(/-service$/, '') as ServiceName);
      expect(committed, `${group.groupId}: committed ${committed}, fully processed ${processed}`).toBeLessThanOrEqual(processed);
    }
  }

  async function pushOrders(n: number): Promise<void> {
    const { status, body } = await pipeline().push(n);
    expect(status, JSON.stringify(body)).toBe(200);
  }

  return {
    start,
    health,
    waitUntilReported,
    waitUntilHealthy,
    offsetsOf,
    unfinished,
    expectAllRunning,
    expectExactWarehouse,
    consumed,
    expectCommittedWithinProcessed,
    pushOrders,
  };
}
