// KafkaConnection against the development broker: while nothing listens it fails, says why once
// and keeps trying; once the broker is up it connects, and the health check follows.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type RunningBroker, startBroker } from '@orders-dwh/dev-broker';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../../test/support/free-port.ts';
import { createKafka, createProducer } from '../../src/clients/kafka.ts';
import { kafkaCheck } from '../../src/health/health-checks.ts';
import { describeKafkaFailure } from '../../src/kafka/kafka-failure.ts';
import { NO_KAFKA_SECURITY } from '../../src/kafka/kafka-security.ts';
import { createLogger } from '../../src/logger.ts';
import { KafkaConnection } from '../../src/service/kafka-connection.ts';

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'kafka-connection-'));
let broker: RunningBroker | null = null;
afterAll(async () => {
  await broker?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Quick retries, so that each attempt fails fast while nothing listens. */
const settings = (brokers: string[]) => ({
  kafkaBrokers: brokers,
  kafkaClientId: 'kafka-connection',
  kafkaRetry: { retries: 1, initialRetryTime: 50, maxRetryTime: 100 },
  kafkaSecurity: NO_KAFKA_SECURITY,
});

describe('KafkaConnection', () => {
  it('says once why it cannot connect, keeps trying, and connects once Kafka is there', async () => {
    const port = await freePort();
    const brokers = [`127.0.0.1:${port}`];
    const lines: string[] = [];
    const log = createLogger('test', 'info', { write: (line) => lines.push(line) });
    const kafka = createKafka(settings(brokers), 'test', log);
    const producer = createProducer(kafka);
    const admin = kafka.admin();
    const connection = new KafkaConnection({
      producer,
      admin,
      log,
      describe: (error) => describeKafkaFailure(error, brokers, NO_KAFKA_SECURITY),
      backoff: { initialMs: 50, maxMs: 200 },
    });
    const health = connection.healthCheck(kafkaCheck(admin, []));
    const stopping = new AbortController();
    const connected = connection.connect(stopping.signal);

    await new Promise((resolve) => setTimeout(resolve, 1500)); // several attempts, 200 ms apart at most
    expect(connection.connected).toBe(false);
    await expect(health.check()).rejects.toThrow(`Kafka at 127.0.0.1:${port} (PLAINTEXT) is not reachable: nothing listens there (ECONNREFUSED)`);
    const said = lines.filter((line) => line.includes('nothing listens there'));
    expect(said).toHaveLength(1);
    expect(JSON.parse(said[0]!)).toMatchObject({ level: 50, msg: expect.stringMatching(/; trying again, every 200 ms at most$/) });

    broker = await startBroker({ dataDir, port });
    expect(await connected).toBe(true);
    expect(connection.connected).toBe(true);
    await expect(health.check()).resolves.toBeUndefined();
    expect(lines.some((line) => line.includes('"msg":"connected to Kafka"'))).toBe(true);
    await Promise.all([producer.disconnect(), admin.disconnect()]);
  });

  it('gives up trying when the service stops before Kafka comes', async () => {
    const brokers = [`127.0.0.1:${await freePort()}`];
    const log = createLogger('test', 'silent');
    const kafka = createKafka(settings(brokers), 'test', log);
    const connection = new KafkaConnection({
      producer: createProducer(kafka),
      admin: kafka.admin(),
      log,
      describe: (error) => describeKafkaFailure(error, brokers, NO_KAFKA_SECURITY),
      backoff: { initialMs: 10_000, maxMs: 10_000 },
    });
    const stopping = new AbortController();
    const connected = connection.connect(stopping.signal);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const stoppedAt = Date.now();
    stopping.abort();
    expect(await connected).toBe(false);
    expect(Date.now() - stoppedAt).toBeLessThan(1000); // not after the 10 s wait
  });
});
