// Broker throughput with the real client: a kafkajs producer writes --messages messages of --size
// bytes over --partitions partitions (several sends of --batch messages in flight at once), then a
// kafkajs consumer group reads them all back. The broker runs in a child process (the CLI).
//
//   node --import tsx broker/bench/throughput.ts [--messages 1000000] [--size 500] [--partitions 6]
//     [--batch 1000] [--concurrency 4] [--producers 1] [--acks -1] [--keys] [--raw] [--cpu-prof <dir>]
//
// --producers N runs N kafkajs producers, each in its own worker thread, sharing the batches.
// --raw also measures the broker without a client library: pre-encoded Produce requests into a
// second topic, then Fetch requests whose answers are only walked (see raw-load.ts).
// --cpu-prof <dir> writes a V8 CPU profile of the broker process there.
//
// Prints a table and one JSON line. "cores" columns are CPU seconds per wall second of each side
// during the phase: a value near 1.0 for a side running one JavaScript thread means that side was
// saturated, which is how to tell whether the client or the broker is the limit. "µs/msg" columns
// are CPU time per message: 1e6 / µs is the rate one core could sustain for that side alone.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { Kafka, logLevel } from 'kafkajs';
import { startBrokerChild } from './broker-child.ts';
import { produceShare, type ProducerLoad } from './producer-load.ts';
import { prepareRawProduce, rawFetch, type RawLoad } from './raw-load.ts';
import { figuresOf, formatTable, type PhaseResult } from './report.ts';

const { values: args } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    size: { type: 'string', default: '500' },
    partitions: { type: 'string', default: '6' },
    batch: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '4' },
    producers: { type: 'string', default: '1' },
    acks: { type: 'string', default: '-1' },
    keys: { type: 'boolean', default: false },
    raw: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
  },
});

const totalMessages = Number(args.messages);
const size = Number(args.size);
const partitions = Number(args.partitions);
const batchSize = Number(args.batch);
const concurrency = Number(args.concurrency);
const producers = Number(args.producers);
const acks = Number(args.acks);
for (const [name, value] of Object.entries({ totalMessages, size, partitions, batchSize, concurrency, producers })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got ${value}`);
}
// The broker refuses record batches over Kafka's default message.max.bytes (1 MiB) with MESSAGE_TOO_LARGE.
if (batchSize * (size + 20) > 1_000_000) throw new Error(`--batch ${batchSize} × --size ${size} makes record batches over 1 MB; use smaller batches`);

const topic = 'bench';
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'broker-bench-'));
const broker = await startBrokerChild({ dataDir, partitions, cpuProfileDir: args['cpu-prof'] });
const kafka = new Kafka({ clientId: 'broker-bench', brokers: [broker.address], logLevel: logLevel.ERROR });

/** Runs fn and measures wall time and both processes' CPU time. */
async function measure(phase: PhaseResult['phase'], fn: () => Promise<number>): Promise<PhaseResult> {
  const clientCpu = process.cpuUsage();
  const brokerCpu = broker.cpuSeconds();
  const startedAt = performance.now();
  const messages = await fn();
  const seconds = (performance.now() - startedAt) / 1000;
  const client = process.cpuUsage(clientCpu);
  return {
    phase,
    messages,
    bytes: messages * size,
    seconds,
    clientCpuSeconds: (client.user + client.system) / 1e6,
    brokerCpuSeconds: broker.cpuSeconds() - brokerCpu,
  };
}

// Worker threads do not inherit `--import tsx`: register tsx in the worker, then load the TS entry.
const WORKER_BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))})
  .then(({ register }) => { register(); return import(${JSON.stringify(new URL('./producer-worker.ts', import.meta.url).href)}); })`;

async function produceAll(): Promise<number> {
  const load = (share: number): ProducerLoad => ({
    address: broker.address,
    topic,
    totalMessages,
    size,
    partitions,
    batchSize,
    concurrency,
    acks,
    keys: args.keys,
    share,
    shares: producers,
  });
  if (producers === 1) return produceShare(load(0));
  const counts = await Promise.all(
    Array.from({ length: producers }, (_, share) => {
      const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: load(share) });
      return new Promise<number>((resolve, reject) => {
        worker.once('message', (count: number) => resolve(count));
        worker.once('error', reject);
        worker.once('exit', (code) => reject(new Error(`producer worker exited with ${code} before reporting`)));
      });
    }),
  );
  return counts.reduce((a, b) => a + b, 0);
}

async function consumeAll(): Promise<number> {
  const consumer = kafka.consumer({ groupId: `bench-${process.pid}`, maxBytesPerPartition: 4 * 1024 * 1024, maxBytes: 32 * 1024 * 1024, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let consumed = 0;
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        partitionsConsumedConcurrently: partitions,
        eachBatch: async ({ batch }) => {
          consumed += batch.messages.length;
          if (consumed >= totalMessages) resolve();
        },
      })
      .catch(reject);
  });
  await consumer.disconnect();
  return consumed;
}

try {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: partitions }] });
  await admin.disconnect();

  const produced = await measure('produce', produceAll);
  const consumed = await measure('consume', consumeAll);
  const rows = [figuresOf(produced), figuresOf(consumed)];
  if (args.raw) {
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: 'bench-raw', numPartitions: partitions }] });
    await admin.disconnect();
    const [host, port] = broker.address.split(':');
    const load: RawLoad = { host: host!, port: Number(port), topic: 'bench-raw', totalMessages, size, partitions, batchSize, inFlight: 8 };
    rows.push(figuresOf(await measure('raw produce', await prepareRawProduce(load))));
    rows.push(figuresOf(await measure('raw fetch', () => rawFetch(load))));
  }
  const settings = {
    messages: totalMessages,
    size,
    partitions,
    batch: batchSize,
    concurrency,
    producers,
    acks,
    keys: args.keys,
    cpus: os.cpus().length,
    node: process.version,
  };
  console.log(
    `broker throughput: ${totalMessages} messages of ${size} bytes, ${partitions} partitions, batches of ${batchSize}, ${producers} producer(s) with ${concurrency} sends in flight each, acks=${acks}${args.keys ? ', keyed' : ''}`,
  );
  console.log(formatTable(rows));
  if (consumed.messages !== totalMessages) console.log(`note: consumed ${consumed.messages} messages for ${totalMessages} produced`);
  console.log(JSON.stringify({ settings, results: rows }));
} finally {
  await broker.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
