// The pipeline as an operator runs it to debug a Kafka problem: every service at LOG_LEVEL=debug with
// kafkajs's own debug lines (KAFKAJS_LOG_LEVEL=debug). Those lines carry protocol payloads (Buffers,
// class instances, cycles); logging them must neither stop a consumer nor write a line that is not
// JSON, and the pipeline must count exactly as it does at the default level.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithGroundTruth } from '../../services/cdm/src/ground-truth.ts';
import { startRunningPipeline, type RunningPipeline } from '../support/running-pipeline.ts';
import { SERVICE_NAMES } from '../support/service-processes.ts';

const ORDERS = 400;

describe('the pipeline with debug logs, kafkajs included', () => {
  let pipeline: RunningPipeline;

  beforeAll(async () => {
    pipeline = await startRunningPipeline(3, { REF_USERS: '20', REF_RESTAURANTS: '4', LOG_LEVEL: 'debug', KAFKAJS_LOG_LEVEL: 'debug' });
  }, 120_000);

  afterAll(async () => {
    await pipeline?.close();
  }, 60_000);

  /** Every line a service wrote, parsed; a line that is not JSON fails the test with its text. */
  function logLines(name: (typeof SERVICE_NAMES)[number]): Array<Record<string, unknown>> {
    const text = pipeline.fleet.running.get(name)!.output.join('');
    return text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          throw new Error(`${name} wrote a line that is not JSON: ${line.slice(0, 300)}`);
        }
      });
  }

  it('moves every order through and counts exactly, every consumer alive', async () => {
    const { fleet, db } = pipeline;
    const response = await fetch(fleet.url('source', '/push'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ N: ORDERS }),
    });
    expect(response.status).toBe(200);
    await pipeline.drain(120_000);

    const one = async (sql: string) => Number((await db.pool.query<{ n: string }>(sql)).rows[0]!.n);
    expect(await one('SELECT count(*) AS n FROM dds.h_order')).toBe(ORDERS);
    expect(await one('SELECT count(*) AS n FROM cdm.counted_orders')).toBe(
      await one(`SELECT count(*) AS n FROM stg.order_events WHERE payload->>'final_status' = 'CLOSED'`),
    );
    expect(await compareWithGroundTruth(db.pool)).toEqual([]);
    for (const name of SERVICE_NAMES) {
      const health = await fetch(fleet.url(name, '/health'));
      expect(health.status, `${name}: ${await health.clone().text()}`).toBe(200);
    }
  });

  it('writes JSON lines only, protocol payloads summarised, and no consumer crash', () => {
    for (const name of ['stg', 'dds', 'cdm'] as const) {
      const lines = logLines(name);
      const kafkajsDebug = lines.filter((line) => line.component === 'kafkajs' && line.level === 20);
      expect(kafkajsDebug.length, name).toBeGreaterThan(50);
      expect(
        lines.filter((line) => String(line.msg).startsWith('Crash') || line.msg === 'consumer crashed' || 'unloggable' in line),
        name,
      ).toEqual([]);
      // The group's assignment arrives as bytes in SyncGroup's response: logged as a size, not copied or dropped.
      const syncGroup = kafkajsDebug.find((line) => line.msg === 'Response SyncGroup(key: 14, version: 3)' && line.data);
      expect(JSON.stringify(syncGroup?.data), name).toMatch(/"memberAssignment":"\[Buffer \d+ bytes\]"/);
      const assignment = kafkajsDebug.find((line) => line.msg === 'Group assignment');
      expect(JSON.stringify(assignment?.assignment), name).not.toContain('unable to serialize');
    }
  });
});
