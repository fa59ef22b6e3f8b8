// The pipeline on Apache Kafka with security on: TLS with the test's own CA and SCRAM-SHA-512, one
// Kafka user per service (one of them reading its password from a file, as from a Docker or
// Kubernetes secret), and the StandardAuthorizer with only the ACLs `npm run topics -- --acls` makes:
// the pipeline works under them, and a service's user cannot do another's part. Then what an
// operator sees when a service's settings are wrong: a wrong password or an untrusted certificate is
// one line in the log and a 503 naming Kafka on /health, the process stays up, and it stops cleanly.
// No password shows in any log, /health or /metrics.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ApacheKafkaNode, createCertificateAuthority, randomPassword, startApacheKafka } from '@orders-dwh/apache-kafka';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithGroundTruth } from '../../services/cdm/src/ground-truth.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';
import { waitForDrain } from '../support/drain.ts';
import { freePort } from '../support/free-port.ts';
import { createTestRedis } from '../support/redis.ts';
import { createServiceFleet, SERVICE_NAMES, type ServiceFleet, type ServiceName } from '../support/service-processes.ts';

const ORDERS = 1500;
const STAGES = ['stg', 'dds', 'cdm'].map((name) => ({ groupId: `${name}-service`, topic: `${name}_service` }));
const root = path.resolve(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'secure-pipeline-'));
const USERS = Object.fromEntries(SERVICE_NAMES.map((name) => [name, { username: `svc-${name}`, password: randomPassword() }])) as Record<
  ServiceName,
  { username: string; password: string }
>;
const passwords = Object.values(USERS).map((user) => user.password);

let node: ApacheKafkaNode;
let db: TestDatabase;
const redis = createTestRedis();
let fleet: ServiceFleet;
let admin: Admin;
const strays: Array<ReturnType<typeof spawn>> = [];
let aclsRun: { code: number; stdout: string; stderr: string };

/** `npm run topics` as an operator runs it, with this environment. */
function topicsCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(root, 'scripts', 'topics.ts'), ...args],
      { cwd: root, env: { PATH: process.env.PATH, ...env } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A kafkajs client logged in as a service's user, giving up at once. */
const clientAs = (name: ServiceName) =>
  new Kafka({ brokers: [node.address], logLevel: logLevel.NOTHING, retry: { retries: 0 }, ...node.security!.kafkajs(USERS[name], 'SCRAM-SHA-512') });

/** The Kafka error code name a failed call carries (kafkajs wraps it once or twice). */
async function refusal(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (error) {
    let current = error as { type?: string; cause?: unknown; originalError?: unknown } | undefined;
    while (current) {
      if (current.type) return current.type;
      current = (current.originalError ?? current.cause) as typeof current;
    }
    return `no Kafka error code: ${(error as Error).message}`;
  }
  return 'allowed';
}

/** The environment a service needs for this node: TLS trusting the test CA, SCRAM-SHA-512 as its own user. */
function serviceEnv(name: ServiceName): Record<string, string> {
  if (name !== 'dds') return { KAFKA_SASL_USERNAME: USERS[name].username, KAFKA_SASL_PASSWORD: USERS[name].password };
  const file = path.join(scratch, 'dds.password');
  writeFileSync(file, `${USERS.dds.password}\n`, { mode: 0o600 });
  return { KAFKA_SASL_USERNAME: USERS.dds.username, KAFKA_SASL_PASSWORD_FILE: file };
}

beforeAll(async () => {
  node = await startApacheKafka({
    dataDir: path.join(scratch, 'kafka'),
    port: 0,
    defaultPartitions: 3,
    security: { scramUsers: Object.values(USERS), authorizer: true },
  });
  db = await createTestDatabase();
  const shared = {
    KAFKA_BROKERS: node.address,
    TOPIC_PARTITIONS: '3',
    KAFKA_SSL: 'true',
    KAFKA_SSL_CA_FILE: node.security!.caPath,
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
  };
  aclsRun = await topicsCli(['--acls', '--users', SERVICE_NAMES.map((name) => `${name}=${USERS[name].username}`).join(',')], {
    ...shared,
    KAFKA_SASL_USERNAME: node.security!.admin.username,
    KAFKA_SASL_PASSWORD: node.security!.admin.password,
  });
  if (aclsRun.code !== 0) throw new Error(`npm run topics -- --acls failed: ${aclsRun.stderr}`);
  fleet = await createServiceFleet({
    ...shared,
    DATABASE_URL: db.url,
    REDIS_KEY_PREFIX: redis.prefix,
    REF_USERS: '30',
    REF_RESTAURANTS: '5',
    LOG_LEVEL: 'info',
  });
  for (const name of SERVICE_NAMES) await fleet.start(name, serviceEnv(name));
  admin = new Kafka({ brokers: [node.address], logLevel: logLevel.NOTHING, ...node.security!.kafkajs() }).admin();
  await admin.connect();
}, 240_000);

afterAll(async () => {
  await admin?.disconnect();
  for (const child of strays) child.kill('SIGKILL');
  await fleet?.stopAll();
  await node?.stop(); // SIGTERM, then SIGKILL if it has not exited in time; resolves once it has
  await redis.cleanup();
  await db?.drop();
  rmSync(scratch, { recursive: true, force: true });
});

/** A stg process beside the fleet's, with these settings changed; its output and /health port. */
async function startMisconfiguredStg(env: Record<string, string>) {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'services/stg/src/main.ts')], {
    cwd: root,
    env: { ...fleet.env, ...serviceEnv('stg'), STG_PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  strays.push(child);
  const output: string[] = [];
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return { child, port, output, exited };
}

/** /health of a process, once it answers at all and its kafka check has failed at least once for the reason. */
async function failingHealth(
  port: number,
  reason: RegExp,
  timeoutMs = 30_000,
): Promise<{ status: number; body: { checks: Record<string, { status: string; error?: string }> } }> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/health`);
      const body = (await response.json()) as { checks: Record<string, { status: string; error?: string }> };
      if (reason.test(body.checks.kafka?.error ?? '')) return { status: response.status, body };
      last = JSON.stringify(body);
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`kafka check never failed with ${reason}: ${last}`);
}

describe('the pipeline over SASL_SSL (SCRAM-SHA-512, TLS with a private CA) under per-service ACLs', () => {
  it('npm run topics -- --acls made the topics and each user’s ACLs, as the admin', () => {
    expect(aclsRun.stderr).toBe('');
    expect(aclsRun.code).toBe(0);
    expect(aclsRun.stdout).toContain('topics stg_service, dds_service, cdm_service, dead_letters exist;');
    expect(aclsRun.stdout.split('\n')).toContain(
      `User:${USERS.source.username} (source): IDEMPOTENT_WRITE cluster kafka-cluster, WRITE+DESCRIBE topic stg_service, DESCRIBE topic dds_service, DESCRIBE topic cdm_service, DESCRIBE group stg-service, DESCRIBE group dds-service, DESCRIBE group cdm-service`,
    );
  });

  it('carries orders through every layer with exact counters, each service as its own Kafka user', async () => {
    const response = await fetch(fleet.url('source', '/push'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ N: ORDERS }),
    });
    expect(await response.json()).toEqual({ status: 'success', messages_pushed: ORDERS });
    await waitForDrain(admin, STAGES, 120_000);
    const count = async (sql: string) => Number((await db.pool.query<{ n: string }>(sql)).rows[0]!.n);
    expect(await count('SELECT count(*) AS n FROM stg.order_events')).toBe(ORDERS);
    expect(await count('SELECT count(*) AS n FROM dds.h_order')).toBe(ORDERS);
    expect(await count('SELECT count(*) AS n FROM cdm.counted_orders')).toBe(
      await count(`SELECT count(*) AS n FROM stg.order_events WHERE payload->>'final_status' = 'CLOSED'`),
    );
    expect(await compareWithGroundTruth(db.pool)).toEqual([]);
  });

  it('a service’s user cannot do another’s part: write another topic, read another topic', async () => {
    const send = (name: ServiceName, topic: string) => async () => {
      const producer = clientAs(name).producer({ allowAutoTopicCreation: false });
      await producer.connect();
      try {
        await producer.send({ topic, messages: [{ value: '{"counts":"forged"}' }] });
      } finally {
        await producer.disconnect();
      }
    };
    const describeOffsets = (name: ServiceName, topic: string) => async () => {
      const admin = clientAs(name).admin();
      await admin.connect();
      try {
        await admin.fetchTopicOffsets(topic);
      } finally {
        await admin.disconnect();
      }
    };
    expect(await refusal(send('source', 'cdm_service'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await refusal(send('source', 'dds_service'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await refusal(send('cdm', 'cdm_service'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await refusal(send('stg', 'cdm_service'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    expect(await refusal(describeOffsets('stg', 'cdm_service'))).toBe('TOPIC_AUTHORIZATION_FAILED');
    // What each is allowed still works, so the refusals above are the ACLs and not a broken login.
    expect(await refusal(send('source', 'stg_service'))).toBe('allowed');
    expect(await refusal(describeOffsets('source', 'cdm_service'))).toBe('allowed');
  });

  it('shows no password in any log, /health or /metrics', async () => {
    for (const name of SERVICE_NAMES) {
      const health = await (await fetch(fleet.url(name, '/health'))).text();
      const metrics = await (await fetch(fleet.url(name, '/metrics'))).text();
      const logs = fleet.running.get(name)!.output.join('');
      for (const password of passwords) {
        expect(health, name).not.toContain(password);
        expect(metrics, name).not.toContain(password);
        expect(logs, name).not.toContain(password);
      }
    }
  });

  it('a wrong password: one line in the log, 503 naming Kafka and the settings, still up, and a clean stop', async () => {
    const stg = await startMisconfiguredStg({ KAFKA_SASL_PASSWORD: 'not-the-password' });
    const health = await failingHealth(stg.port, /refused the credentials/);
    expect(health.status).toBe(503);
    expect(health.body.checks.kafka!.error).toBe(
      `Kafka at ${node.address} (SASL_SSL, SCRAM-SHA-512 as '${USERS.stg.username}') refused the credentials: check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD, and that the user exists on the cluster for SCRAM-SHA-512`,
    );
    // It keeps trying (a user created on the cluster later is picked up) without repeating itself.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const text = stg.output.join('');
    expect(text.match(/refused the credentials/g)).toHaveLength(1);
    expect(text.match(/"level":50/g)).toHaveLength(1); // kafkajs's own line per attempt is quiet until connected
    expect(text).not.toMatch(/\n\s+at /); // no stack trace
    expect(text).not.toContain('not-the-password');
    expect(stg.child.exitCode).toBeNull();
    stg.child.kill('SIGTERM');
    expect(await stg.exited).toBe(0);
  });

  it('an untrusted certificate: 503 naming the CA setting, the same way', async () => {
    const otherCa = createCertificateAuthority(path.join(scratch, 'other-ca'), 'Not the cluster CA');
    const stg = await startMisconfiguredStg({ KAFKA_SSL_CA_FILE: otherCa.certificatePath });
    const health = await failingHealth(stg.port, /not trusted/);
    expect(health.status).toBe(503);
    expect(health.body.checks.kafka!.error).toMatch(
      /^Kafka at .+ \(SASL_SSL, SCRAM-SHA-512 as 'svc-stg'\): its TLS certificate is not trusted \([A-Z_]+\); set KAFKA_SSL_CA_FILE to the CA that signed the brokers' certificates$/,
    );
    stg.child.kill('SIGTERM');
    expect(await stg.exited).toBe(0);
    expect(stg.output.join('').match(/not trusted/g)).toHaveLength(1);
  });

  it('TLS left off against the TLS port: 503 naming Kafka, not a crash', async () => {
    const stg = await startMisconfiguredStg({ KAFKA_SSL: 'false', KAFKA_SSL_CA_FILE: '' });
    const health = await failingHealth(stg.port, /^Kafka at .+ \(SASL_PLAINTEXT, SCRAM-SHA-512 as 'svc-stg'\) is not reachable/);
    expect(health.status).toBe(503);
    stg.child.kill('SIGTERM');
    expect(await stg.exited).toBe(0);
  });
});
