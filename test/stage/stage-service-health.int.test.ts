// GET /health of a consuming service (stg: it uses Kafka, Postgres and Redis) with each dependency
// up, and with each one down in turn.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';
import { buildStage, startStage, startTestInfra, type RunningStage, type TestInfra } from '../support/service-harness.ts';
import { stgMain } from '../../services/stg/src/stg-main.ts';

interface HealthBody {
  status: 'ok' | 'failing';
  checks: Record<string, { status: 'ok' | 'failing'; error?: string }>;
  failing?: string[];
}

let infra: TestInfra;
const running: RunningStage[] = [];

async function health(stage: RunningStage): Promise<{ statusCode: number; body: HealthBody }> {
  const response = await stage.service.app.inject({ method: 'GET', url: '/health' });
  return { statusCode: response.statusCode, body: response.json() as HealthBody };
}

async function started(overrides: Record<string, string> = {}): Promise<RunningStage> {
  const stage = await startStage(stgMain, infra.config(overrides));
  running.push(stage);
  return stage;
}

beforeAll(async () => {
  infra = await startTestInfra();
}, 30_000);
afterEach(async () => {
  await Promise.all(running.splice(0).map((stage) => stage.service.stop()));
}, 30_000);
afterAll(async () => {
  await infra?.close();
}, 30_000);

describe('GET /health of a stage service', () => {
  it('answers 503 naming the consumer before start()', async () => {
    const stage = await buildStage(stgMain, infra.config());
    running.push(stage);
    const { statusCode, body } = await health(stage);
    expect(statusCode).toBe(503);
    expect(body.status).toBe('failing');
    expect(body.failing).toEqual(['consumer']);
    expect(body.checks.consumer).toEqual({ status: 'failing', error: 'consumer is not running' });
    expect(body.checks.kafka).toEqual({ status: 'ok' });
  });

  it('answers 200 with every dependency ok once consuming', async () => {
    const { statusCode, body } = await health(await started());
    expect(statusCode).toBe(200);
    expect(body).toEqual({
      status: 'ok',
      checks: { kafka: { status: 'ok' }, postgres: { status: 'ok' }, redis: { status: 'ok' }, consumer: { status: 'ok' } },
    });
  });

  it('answers 503 naming postgres when nothing listens at DATABASE_URL', async () => {
    const stage = await started({ DATABASE_URL: `postgres://postgres@127.0.0.1:${await freePort()}/dwh` });
    const { statusCode, body } = await health(stage);
    expect(statusCode).toBe(503);
    expect(body.failing).toEqual(['postgres']);
    expect(body.checks.postgres!.error).toMatch(/ECONNREFUSED|connect/);
  });

  it('answers 503 naming postgres when the database does not exist', async () => {
    const stage = await started({ DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/dwh_test_does_not_exist' });
    const { statusCode, body } = await health(stage);
    expect(statusCode).toBe(503);
    expect(body.failing).toEqual(['postgres']);
    expect(body.checks.postgres!.error).toContain('does not exist');
  });

  it('answers 503 naming redis when nothing listens at REDIS_URL', async () => {
    const stage = await started({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    const { statusCode, body } = await health(stage);
    expect(statusCode).toBe(503);
    expect(body.failing).toEqual(['redis']);
  });

  it('answers 503 naming kafka once the broker is gone', async () => {
    const stage = await started();
    expect((await health(stage)).statusCode).toBe(200);
    await infra.broker.close();
    const { statusCode, body } = await health(stage);
    expect(statusCode).toBe(503);
    expect(body.failing).toContain('kafka');
    expect(body.checks.postgres).toEqual({ status: 'ok' });
    expect(body.checks.redis).toEqual({ status: 'ok' });
  });
});
