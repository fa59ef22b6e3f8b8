// Order events written to stg_service by other Kafka clients, in each of Kafka's five codecs, go
// through stg → dds → cdm like any other. kafkajs alone reads only none and gzip: a snappy, lz4 or
// zstd batch crashed its consumer at every fetch from that offset, holding the partition (and every
// other of that consumer) for good, with no message the stage could dead-letter. librdkafka (kcat)
// writes every codec on both Kafkas; on Apache Kafka, Java's console producer writes snappy (Java
// frames it the xerial way), lz4 and zstd too.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithGroundTruth } from '../../services/cdm/src/ground-truth.ts';
import { ensureKafkaDistribution, toolCommand } from '@orders-dwh/apache-kafka';
import { deadLetterRows, type TestInfra } from '../support/service-harness.ts';
import { kafkaEngine } from '../support/kafka-under-test.ts';
import { toolFound } from '../support/required-tool.ts';
import { orderEvent } from '../../services/stg/test/order-fixtures.ts';
import { startInProcessPipeline, type InProcessPipeline } from './support/in-process-pipeline.ts';

const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;
const ORDERS_PER_WRITE = 20;
const onApache = kafkaEngine() === 'apache';
const runs = toolFound('kcat', '-V', 'the codec suite');

interface Write {
  client: 'kcat' | 'java';
  codec: (typeof CODECS)[number];
  orderIds: number[];
}
const clientsAndCodecs: Array<Pick<Write, 'client' | 'codec'>> = [
  ...CODECS.map((codec) => ({ client: 'kcat' as const, codec })),
  ...(onApache ? (['snappy', 'lz4', 'zstd'] as const).map((codec) => ({ client: 'java' as const, codec })) : []),
];
/** Each write its own orders: 1000–1019 for the first, 2000–2019 for the second, … */
const writes: Write[] = clientsAndCodecs.map((write, i) => ({ ...write, orderIds: Array.from({ length: ORDERS_PER_WRITE }, (_, n) => 1000 * (i + 1) + n) }));
/** Every fifth order of a write stops at DELIVERING: stored in stg and dds, never counted. */
const closed = (id: number) => id % 5 !== 0;

/** key<TAB>value lines of the write's order events. */
const eventLines = (write: Write) =>
  write.orderIds
    .map((id) => `${id}\t${JSON.stringify(orderEvent(id, closed(id) ? 'CLOSED' : 'DELIVERING', { start: '2025-03-02T10:00:00.000Z' }))}\n`)
    .join('');

/** Runs a command to completion with this input, asynchronously: the development broker lives in this process's event loop. */
function run(command: string, args: string[], input: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} exited with ${code}: ${output}`))));
    child.stdin.end(input);
  });
}

function writeOrders(write: Write, broker: string, topic: string): Promise<string> {
  if (write.client === 'kcat') return run('kcat', ['-b', broker, '-P', '-t', topic, '-K', '\t', '-z', write.codec, '-X', 'linger.ms=50'], eventLines(write));
  const producer = toolCommand(
    'kafka-console-producer',
    ['--bootstrap-server', broker, '--topic', topic, '--compression-codec', write.codec, '--property', 'parse.key=true', '--property', 'key.separator=\t'],
    ensureKafkaDistribution(),
  );
  return run(producer.command, producer.args, eventLines(write));
}

let pipeline: InProcessPipeline;
let infra: TestInfra;

beforeAll(async () => {
  if (!runs) return;
  // The stages create the topics the writers produce to.
  pipeline = await startInProcessPipeline();
  infra = pipeline.infra;
  for (const write of writes) await writeOrders(write, infra.broker.address, pipeline.config.topics.stg);
  await pipeline.drain(60_000);
}, 180_000);

afterAll(async () => {
  await pipeline?.stop();
}, 30_000);

describe.runIf(runs)(`order events in every Kafka codec (${onApache ? 'Apache Kafka: kcat and Java' : 'development broker: kcat'})`, () => {
  it('are all stored in stg and dds, none dead-lettered', async () => {
    const everyOrder = writes.flatMap((w) => w.orderIds).sort((a, b) => a - b);
    const { rows: staged } = await infra.db.pool.query<{ id: number }>('SELECT object_id::int AS id FROM stg.order_events ORDER BY 1');
    expect(staged.map((r) => r.id)).toEqual(everyOrder);
    const { rows: vaulted } = await infra.db.pool.query<{ id: number }>('SELECT order_id::int AS id FROM dds.h_order ORDER BY 1');
    expect(vaulted.map((r) => r.id)).toEqual(everyOrder);
    expect(await deadLetterRows(infra)).toEqual([]);
  });

  it('count every CLOSED one once, equal to the SQL ground truth', async () => {
    const { rows } = await infra.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM cdm.counted_orders');
    expect(rows[0]!.n).toBe(writes.flatMap((w) => w.orderIds).filter(closed).length);
    expect(await compareWithGroundTruth(infra.db.pool)).toEqual([]);
  });
});
