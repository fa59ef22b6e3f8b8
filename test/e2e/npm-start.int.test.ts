// `npm start` as a user runs it: no KAFKA_BROKERS (so it starts its own Kafka: the development
// broker, or Apache Kafka with `--kafka apache` when TEST_KAFKA=apache), a database that does not
// exist yet, then Ctrl-C.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithGroundTruth } from '../../services/cdm/src/ground-truth.ts';
import { satelliteRepeats } from '../../services/dds/src/satellite-history.ts';
import { dropDatabase } from '../support/database.ts';
import { waitForDrain } from '../support/drain.ts';
import { freePortsByName } from '../support/free-port.ts';
import { kafkaEngine } from '../support/kafka-under-test.ts';
import { createTestRedis, type TestRedis } from '../support/redis.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const engine = kafkaEngine();

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string, output: string[]): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what} within ${timeoutMs} ms; output:\n${output.join('').slice(-3000)}`);
}

function acceptsConnections(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('npm start', () => {
  const dbName = `dwh_test_start_${randomBytes(4).toString('hex')}`;
  let dataDir: string;
  let redis: TestRedis;
  let launcher: ChildProcess;
  let admin: Admin;
  let pool: pg.Pool;
  const output: string[] = [];
  const ports: Record<string, number> = {};

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'npm-start-'));
    redis = await createTestRedis();
    Object.assign(ports, await freePortsByName(['DEV_BROKER_PORT', 'SOURCE_PORT', 'STG_PORT', 'DDS_PORT', 'CDM_PORT']));
    const env: Record<string, string> = { ...(process.env as Record<string, string>) };
    delete env.KAFKA_BROKERS;
    Object.assign(env, {
      DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${dbName}`,
      REDIS_KEY_PREFIX: redis.prefix,
      DEV_BROKER_DATA_DIR: dataDir,
      APACHE_KAFKA_DATA_DIR: dataDir,
      ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    });
    const args = engine === 'apache' ? ['--kafka', 'apache'] : [];
    launcher = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts', 'start.ts'), ...args], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    launcher.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    launcher.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
    for (const name of ['SOURCE_PORT', 'STG_PORT', 'DDS_PORT', 'CDM_PORT']) {
      await waitFor(async () => (await fetch(`http://127.0.0.1:${ports[name]}/health`)).ok, 90_000, `service on ${name} healthy`, output);
    }
    admin = new Kafka({ brokers: [`127.0.0.1:${ports.DEV_BROKER_PORT}`], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:5432/${dbName}`, max: 2 });
  }, 180_000);

  afterAll(async () => {
    await admin?.disconnect();
    await pool?.end();
    if (launcher && launcher.exitCode === null) launcher.kill('SIGKILL');
    await redis?.cleanup();
    await dropDatabase(dbName);
    rmSync(dataDir, { recursive: true, force: true });
  }, 60_000);

  // Partitions and CONSUMER_CONCURRENCY at their defaults: several dds batches load at once.
  it('creates the database, runs the pipeline and counts exactly, each satellite holding changes only', async () => {
    const response = await fetch(`http://127.0.0.1:${ports.SOURCE_PORT}/push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"N": 3000}',
    });
    expect(await response.json()).toEqual({ status: 'success', messages_pushed: 3000 });
    await waitForDrain(
      admin,
      [
        { groupId: 'stg-service', topic: 'stg_service' },
        { groupId: 'dds-service', topic: 'dds_service' },
        { groupId: 'cdm-service', topic: 'cdm_service' },
      ],
      60_000,
    );
    const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM dds.h_order');
    expect(rows[0]!.n).toBe(3000);
    expect(await compareWithGroundTruth(pool)).toEqual([]);
    expect(await satelliteRepeats(pool)).toEqual([]);
  });

  it('prints prefixed, readable log lines', () => {
    const lines = output.join('').split('\n');
    for (const service of ['source', 'stg', 'dds', 'cdm']) {
      expect(
        lines.some((line) => line.startsWith(service) && /\d\d:\d\d:\d\d\.\d{3} (INFO|WARN)/.test(line)),
        service,
      ).toBe(true);
    }
    const listening = engine === 'apache' ? /Apache Kafka \d+\.\d+\.\d+ listening/ : /development broker listening/;
    expect(lines.some((line) => line.startsWith('start') && listening.test(line))).toBe(true);
    expect(lines.some((line) => line.startsWith('start') && line.includes(`ready: open the dashboard at http://localhost:${ports.SOURCE_PORT}/`))).toBe(true);
  });

  it('stops everything on SIGINT and exits 0', async () => {
    const exited = new Promise<number | null>((resolve) => launcher.on('exit', (code) => resolve(code)));
    launcher.kill('SIGINT');
    expect(await exited).toBe(0);
    for (const port of Object.values(ports)) expect(await acceptsConnections(port), `port ${port}`).toBe(false);
  }, 40_000);
});
