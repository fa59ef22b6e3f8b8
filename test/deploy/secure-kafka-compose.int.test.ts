// The compose stack's secured Kafka (deploy/compose/secure-kafka.yml) without Docker: its start
// script, run here on Apache Kafka 3.9.1 with bin/ scripts that run the same main classes as the
// image's, with certificates from `npm run kafka -- certs`; then `npm run topics -- --acls` as the
// compose stack's kafka-acls runs it, and a service's user doing its part and refused another's.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureKafkaDistribution, randomPassword, waitForBrokers } from '@orders-dwh/apache-kafka';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePorts } from '../support/free-port.ts';

const { Kafka, logLevel } = kafkajs;
const root = path.resolve(import.meta.dirname, '..', '..');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'secure-compose-kafka-'));
const certs = path.join(scratch, 'certs');
const passwords = {
  KAFKA_ADMIN_PASSWORD: randomPassword(),
  KAFKA_SOURCE_PASSWORD: randomPassword(),
  KAFKA_STG_PASSWORD: randomPassword(),
  KAFKA_DDS_PASSWORD: randomPassword(),
  KAFKA_CDM_PASSWORD: randomPassword(),
};
let kafkaProcess: ChildProcess | null = null;
let output = '';
let internal: string;
let external: string;

const run = (args: string[], env: Record<string, string>) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(process.execPath, ['--import', 'tsx', ...args], { cwd: root, env: { PATH: process.env.PATH, ...env } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );

/** bin/kafka-storage.sh and bin/kafka-server-start.sh as in the image: the same main classes, here from the Maven jars. */
function kafkaHome(): string {
  const { java, classPath } = ensureKafkaDistribution();
  const home = path.join(scratch, 'kafka-home');
  mkdirSync(path.join(home, 'bin'), { recursive: true });
  const script = (name: string, body: string) => {
    writeFileSync(path.join(home, 'bin', name), `#!/usr/bin/env bash\n${body}\n`);
    chmodSync(path.join(home, 'bin', name), 0o755);
  };
  script('kafka-storage.sh', `exec "${java}" -cp "${classPath}" kafka.tools.StorageTool "$@"`);
  script(
    'kafka-server-start.sh',
    `exec "${java}" -Xmx512m -Dlog4j.configuration=file:${path.join(root, 'kafka/config/tools-log4j.properties')} -cp "${classPath}" kafka.Kafka "$@"`,
  );
  return home;
}

const client = (address: string, username: string, password: string) =>
  new Kafka({
    brokers: [address],
    logLevel: logLevel.NOTHING,
    retry: { retries: 2, initialRetryTime: 200 },
    ssl: { ca: [readFileSync(path.join(certs, 'ca.pem'), 'utf8')] },
    sasl: { mechanism: 'scram-sha-512', username, password },
  });

beforeAll(async () => {
  const made = await run(['kafka/src/cli.ts', 'certs', '--out', certs, '--host', '127.0.0.1', '--host', 'localhost'], {});
  expect(made.code, made.stderr).toBe(0);
  const [internalPort, externalPort, controllerPort] = await freePorts(3);
  internal = `127.0.0.1:${internalPort}`;
  external = `localhost:${externalPort}`;
  kafkaProcess = spawn('bash', [path.join(root, 'deploy/compose/start-secure-kafka.sh')], {
    env: {
      PATH: process.env.PATH,
      ...passwords,
      KAFKA_HOME: kafkaHome(),
      CERTS_DIR: certs,
      DATA_DIR: path.join(scratch, 'data'),
      CONFIG_DIR: path.join(scratch, 'config'),
      INTERNAL_HOST: '127.0.0.1',
      EXTERNAL_HOST: 'localhost',
      INTERNAL_PORT: String(internalPort),
      EXTERNAL_PORT: String(externalPort),
      CONTROLLER_PORT: String(controllerPort),
      NUM_PARTITIONS: '3',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  kafkaProcess.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  kafkaProcess.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const admin = { username: 'admin', password: passwords.KAFKA_ADMIN_PASSWORD };
  await waitForBrokers([internal], 1, 120_000, {
    ssl: { ca: [readFileSync(path.join(certs, 'ca.pem'), 'utf8')] },
    sasl: { mechanism: 'scram-sha-512', ...admin },
  }).catch((error: unknown) => {
    throw new Error(`${(error as Error).message}\n${output.slice(-3000)}`);
  });
}, 180_000);

afterAll(() => {
  if (kafkaProcess?.pid) {
    try {
      process.kill(-kafkaProcess.pid, 'SIGKILL'); // the script and the JVM it became
    } catch {
      // gone already
    }
  }
  rmSync(scratch, { recursive: true, force: true });
});

describe('deploy/compose/start-secure-kafka.sh on Apache Kafka', () => {
  it('serves SASL_SSL with SCRAM-SHA-512 on both listeners, and kafka-acls makes the topics and ACLs as the admin', async () => {
    const acls = await run(['scripts/topics.ts', '--acls', '--users', 'source=svc-source,stg=svc-stg,dds=svc-dds,cdm=svc-cdm'], {
      KAFKA_BROKERS: internal,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: path.join(certs, 'ca.pem'),
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'admin',
      KAFKA_SASL_PASSWORD: passwords.KAFKA_ADMIN_PASSWORD,
      TOPIC_PARTITIONS: '3',
    });
    expect(acls.stderr).toBe('');
    expect(acls.stdout).toContain('topics stg_service, dds_service, cdm_service, dead_letters exist; 33 ACLs in place');
    for (const address of [internal, external]) {
      const admin = client(address, 'admin', passwords.KAFKA_ADMIN_PASSWORD).admin();
      await admin.connect();
      expect((await admin.listTopics()).sort(), address).toEqual(expect.arrayContaining(['cdm_service', 'dds_service', 'dead_letters', 'stg_service']));
      await admin.disconnect();
    }
  });

  it('each service logs in as its own user and may do its part only', async () => {
    const producer = client(internal, 'svc-stg', passwords.KAFKA_STG_PASSWORD).producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    await producer.send({ topic: 'dds_service', messages: [{ value: '{}' }] });
    const refused = await producer.send({ topic: 'cdm_service', messages: [{ value: '{}' }] }).then(
      () => 'allowed',
      (error: { type?: string; cause?: { type?: string } }) => error.type ?? error.cause?.type,
    );
    expect(refused).toBe('TOPIC_AUTHORIZATION_FAILED');
    await producer.disconnect();
    const wrong = client(internal, 'svc-cdm', passwords.KAFKA_STG_PASSWORD).admin();
    await expect(wrong.connect()).rejects.toThrow(/SASL SCRAM SHA512 authentication failed/);
  });
});
