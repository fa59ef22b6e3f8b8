// Bad bytes on one connection close that connection only: the broker keeps serving everyone else.
import type { Kafka, Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPartitioner, kafkaFor } from './support/kafka-clients.ts';
import { RawConnection, requestFrame } from './support/raw-connection.ts';
import { startTestBroker, type TestBroker } from './support/test-broker.ts';

const API_VERSIONS = 18;
const METADATA = 3;
const PRODUCE = 0;
const UNSUPPORTED_VERSION = 35;

let broker: TestBroker;
let kafka: Kafka;
let producer: Producer;
/** Opened before any abuse and used after each case: other connections must be untouched. */
let bystander: RawConnection;
let bystanderCorrelation = 1000;
let sent = 0;

beforeAll(async () => {
  broker = await startTestBroker('malformed');
  kafka = kafkaFor(broker.address, 'malformed-it');
  producer = kafka.producer({ createPartitioner: defaultPartitioner });
  await producer.connect();
  await producer.send({ topic: 'still-alive', messages: [{ value: 'before' }] });
  sent = 1;
  bystander = await RawConnection.connect(broker.port);
});

afterAll(async () => {
  bystander?.close();
  await producer?.disconnect();
  await broker?.stop();
});

/** Deterministic pseudo-random bytes (xorshift32), so a failure can be replayed. */
function garbage(length: number, seed: number): Buffer {
  const out = Buffer.alloc(length);
  let x = seed || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function sized(body: Buffer): Buffer {
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);
  return Buffer.concat([size, body]);
}

/** The broker still answers: an ApiVersions on the old bystander connection and a kafkajs send. */
async function expectBrokerServing(): Promise<void> {
  const correlationId = bystanderCorrelation++;
  bystander.write(requestFrame(API_VERSIONS, 0, correlationId, Buffer.alloc(0)));
  const answer = await bystander.readFrame();
  expect(answer.readInt32BE(0)).toBe(correlationId);
  expect(answer.readInt16BE(4)).toBe(0);

  const [result] = await producer.send({ topic: 'still-alive', messages: [{ value: `after ${sent}` }] });
  expect(result).toMatchObject({ errorCode: 0, baseOffset: String(sent) });
  sent++;
}

/** Opens a connection, writes bytes, and expects the broker to close it without answering. */
async function expectClosedAfter(bytes: Buffer): Promise<void> {
  const connection = await RawConnection.connect(broker.port);
  try {
    connection.write(bytes);
    expect(await connection.waitForClose(3_000)).toBe(true);
    expect(connection.unreadFrames).toBe(0);
  } finally {
    connection.close();
  }
  await expectBrokerServing();
}

describe('malformed bytes on the socket', () => {
  it('a negative frame size closes the connection', async () => {
    const bytes = Buffer.alloc(8);
    bytes.writeInt32BE(-5);
    await expectClosedAfter(bytes);
  });

  it('a huge frame size closes the connection without waiting for the bytes', async () => {
    const bytes = Buffer.alloc(4);
    bytes.writeInt32BE(0x7fffffff);
    await expectClosedAfter(bytes);
  });

  it('a frame too short to hold a request header closes the connection', async () => {
    await expectClosedAfter(sized(Buffer.from([0, 3, 0])));
  });

  it('random garbage frames close the connection', async () => {
    for (const seed of [1, 7, 42, 2024, 99991]) {
      const body = garbage(20 + (seed % 300), seed);
      // Keep the API key outside 0..127 so the garbage can never be a real, valid request.
      body.writeInt16BE(-1 - (seed % 1000), 0);
      await expectClosedAfter(sized(body));
    }
    // Garbage that is not even framed: its first four bytes read as a negative size.
    const unframed = garbage(4096, 31337);
    unframed[0] |= 0x80;
    await expectClosedAfter(unframed);
  });

  it('an unknown API key closes the connection', async () => {
    await expectClosedAfter(requestFrame(999, 0, 1, Buffer.alloc(16)));
  });

  it('an unsupported version closes the connection; for ApiVersions it is answered with error 35', async () => {
    await expectClosedAfter(requestFrame(METADATA, 99, 1, Buffer.alloc(8)));
    await expectClosedAfter(requestFrame(PRODUCE, 2, 1, Buffer.alloc(8)));

    const connection = await RawConnection.connect(broker.port);
    try {
      // ApiVersions v3+ uses request header v2: its empty tag buffer (one 0 byte) follows the client id.
      connection.write(requestFrame(API_VERSIONS, 99, 77, Buffer.from([0])));
      const answer = await connection.readFrame();
      expect(answer.readInt32BE(0)).toBe(77);
      expect(answer.readInt16BE(4)).toBe(UNSUPPORTED_VERSION);
      // The connection stays usable: the client retries with a version we speak.
      connection.write(requestFrame(API_VERSIONS, 0, 78, Buffer.alloc(0)));
      const retry = await connection.readFrame();
      expect(retry.readInt32BE(0)).toBe(78);
      expect(retry.readInt16BE(4)).toBe(0);
    } finally {
      connection.close();
    }
    await expectBrokerServing();
  });

  it('a truncated body closes the connection', async () => {
    // Metadata v1 announcing 5 topics and then ending.
    const body = Buffer.alloc(4);
    body.writeInt32BE(5);
    await expectClosedAfter(requestFrame(METADATA, 1, 1, body));
    // A Produce v7 whose record set claims more bytes than the frame holds.
    const produce = Buffer.concat([
      Buffer.from([0xff, 0xff]), // transactional id: null
      Buffer.from([0xff, 0xff, 0, 0, 0x13, 0x88]), // acks -1, timeout 5000
      Buffer.from([0, 0, 0, 1, 0, 1, 0x74, 0, 0, 0, 1, 0, 0, 0, 0]), // 1 topic "t", 1 partition 0
      Buffer.from([0, 0, 0x10, 0]), // 4096 bytes of records...
      Buffer.alloc(10), // ...of which 10 arrive
    ]);
    await expectClosedAfter(requestFrame(PRODUCE, 7, 1, produce));
  });

  it('a frame cut off by the client hanging up leaves the broker serving', async () => {
    const connection = await RawConnection.connect(broker.port);
    const frame = requestFrame(METADATA, 1, 1, Buffer.from([0xff, 0xff, 0xff, 0xff]));
    connection.write(frame.subarray(0, frame.length - 2));
    await new Promise((resolve) => setTimeout(resolve, 50));
    connection.close();
    await expectBrokerServing();
  });

  it('good requests before the bad one on the same connection are still answered in order', async () => {
    const connection = await RawConnection.connect(broker.port);
    try {
      connection.write(Buffer.concat([requestFrame(API_VERSIONS, 0, 1, Buffer.alloc(0)), requestFrame(API_VERSIONS, 1, 2, Buffer.alloc(0))]));
      expect((await connection.readFrame()).readInt32BE(0)).toBe(1);
      expect((await connection.readFrame()).readInt32BE(0)).toBe(2);
      connection.write(requestFrame(999, 0, 3, Buffer.alloc(4)));
      expect(await connection.waitForClose(3_000)).toBe(true);
    } finally {
      connection.close();
    }
    await expectBrokerServing();
  });
});
