// The broker alone, without a client library's CPU in the way: Produce requests encoded once (by
// kafkajs's own encoder) and written again and again, and Fetch v4 requests whose answers are only
// walked batch header to batch header. What these reach is what the broker can do on this machine.
import { createRequire } from 'node:module';
import net from 'node:net';

const require = createRequire(import.meta.url);
type Encoded = { buffer: Buffer };
const encodeRequestFrame = require('kafkajs/src/protocol/request.js') as (args: unknown) => Promise<Encoded>;
const produceV7 = require('kafkajs/src/protocol/requests/produce/v7/request.js') as (args: unknown) => unknown;

const FETCH = 1;
const FETCH_VERSION = 4;

export interface RawLoad {
  host: string;
  port: number;
  topic: string;
  totalMessages: number;
  size: number;
  partitions: number;
  batchSize: number;
  /** Requests in flight on the connection. */
  inFlight: number;
}

/** Reads size-prefixed response frames off a socket, calling onFrame with each body. */
function frameReader(socket: net.Socket, onFrame: (body: Buffer) => void): void {
  let chunks: Buffer[] = [];
  let buffered = 0;
  socket.on('data', (chunk: Buffer) => {
    chunks.push(chunk);
    buffered += chunk.length;
    for (;;) {
      if (buffered < 4) return;
      if (chunks[0]!.length < 4) chunks = [Buffer.concat(chunks)];
      const size = chunks[0]!.readInt32BE(0);
      if (buffered < 4 + size) return;
      // Joined only once the whole frame is here (a large fetch arrives in many chunks).
      const all = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, buffered);
      onFrame(all.subarray(4, 4 + size));
      const rest = all.subarray(4 + size);
      chunks = rest.length > 0 ? [rest] : [];
      buffered = rest.length;
    }
  });
}

function connect(host: string, port: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port }, () => resolve(socket));
    socket.once('error', reject);
    socket.setNoDelay(true);
  });
}

/**
 * Encodes one Produce request per partition (one batch of batchSize, acks=1) and returns the run:
 * it writes them round robin, inFlight at a time, until totalMessages are acknowledged.
 */
export async function prepareRawProduce(load: RawLoad): Promise<() => Promise<number>> {
  const value = Buffer.alloc(load.size, 'x');
  const frames: Buffer[] = [];
  for (let partition = 0; partition < load.partitions; partition++) {
    const request = produceV7({
      acks: 1,
      timeout: 30_000,
      topicData: [{ topic: load.topic, partitions: [{ partition, messages: Array.from({ length: load.batchSize }, () => ({ value })) }] }],
    });
    frames.push((await encodeRequestFrame({ correlationId: partition, clientId: 'raw-bench', request })).buffer);
  }
  return () => runRawProduce(load, frames);
}

async function runRawProduce(load: RawLoad, frames: Buffer[]): Promise<number> {
  const requests = Math.ceil(load.totalMessages / load.batchSize);
  const socket = await connect(load.host, load.port);
  let sent = 0;
  let answered = 0;
  await new Promise<void>((resolve, reject) => {
    const send = () => {
      while (sent < requests && sent - answered < load.inFlight) socket.write(frames[sent++ % load.partitions]!);
    };
    frameReader(socket, (body) => {
      // correlation id, [topic [partition error_code ...]]: the error code of the only partition.
      const topicLength = body.readInt16BE(8);
      const errorCode = body.readInt16BE(8 + 2 + topicLength + 4 + 4);
      if (errorCode !== 0) reject(new Error(`produce failed with error ${errorCode}`));
      if (++answered === requests) resolve();
      else send();
    });
    socket.once('error', reject);
    send();
  });
  socket.destroy();
  return requests * load.batchSize;
}

/** A Fetch v4 request frame for every partition at its offset. */
function fetchFrame(topic: string, offsets: bigint[], partitionMaxBytes: number): Buffer {
  const name = Buffer.from(topic);
  const client = Buffer.from('raw-bench');
  const size = 4 + 2 + 2 + 4 + 2 + client.length + 4 + 4 + 4 + 4 + 1 + 4 + 2 + name.length + 4 + offsets.length * 16;
  const b = Buffer.alloc(size);
  let o = b.writeInt32BE(size - 4, 0);
  o = b.writeInt16BE(FETCH, o);
  o = b.writeInt16BE(FETCH_VERSION, o);
  o = b.writeInt32BE(0, o);
  o = b.writeInt16BE(client.length, o);
  o += client.copy(b, o);
  o = b.writeInt32BE(-1, o); // replica id
  o = b.writeInt32BE(500, o); // max wait
  o = b.writeInt32BE(1, o); // min bytes
  o = b.writeInt32BE(64 * 1024 * 1024, o); // max bytes
  o = b.writeInt8(0, o); // isolation level
  o = b.writeInt32BE(1, o);
  o = b.writeInt16BE(name.length, o);
  o += name.copy(b, o);
  o = b.writeInt32BE(offsets.length, o);
  offsets.forEach((offset, partition) => {
    o = b.writeInt32BE(partition, o);
    o = b.writeBigInt64BE(offset, o);
    o = b.writeInt32BE(partitionMaxBytes, o);
  });
  return b;
}

/**
 * Walks a Fetch v4 response (after the correlation id): for each partition, advances its offset
 * past the last whole batch returned. Returns the number of records returned.
 */
function advanceOffsets(body: Buffer, offsets: bigint[]): number {
  let o = 4 + 4 + 4; // correlation id, throttle time, topic count (1)
  o += 2 + body.readInt16BE(o);
  const partitions = body.readInt32BE(o);
  o += 4;
  let records = 0;
  for (let i = 0; i < partitions; i++) {
    const partition = body.readInt32BE(o);
    const errorCode = body.readInt16BE(o + 4);
    if (errorCode !== 0) throw new Error(`fetch of partition ${partition} failed with error ${errorCode}`);
    o += 4 + 2 + 8 + 8;
    const aborted = body.readInt32BE(o);
    o += 4 + Math.max(0, aborted) * 16;
    const bytes = body.readInt32BE(o);
    o += 4;
    const end = o + Math.max(0, bytes);
    while (o + 61 <= end) {
      const batchEnd = o + 12 + body.readInt32BE(o + 8);
      if (batchEnd > end) break;
      const lastOffsetDelta = body.readInt32BE(o + 23);
      offsets[partition] = body.readBigInt64BE(o) + BigInt(lastOffsetDelta + 1);
      records += lastOffsetDelta + 1;
      o = batchEnd;
    }
    o = end;
  }
  return records;
}

/** Reads every partition from offset 0 until totalMessages records came back, one fetch at a time. */
export async function rawFetch(load: RawLoad): Promise<number> {
  const socket = await connect(load.host, load.port);
  const offsets = Array.from({ length: load.partitions }, () => 0n);
  let records = 0;
  await new Promise<void>((resolve, reject) => {
    frameReader(socket, (body) => {
      try {
        records += advanceOffsets(body, offsets);
      } catch (error) {
        reject(error);
        return;
      }
      if (records >= load.totalMessages) resolve();
      else socket.write(fetchFrame(load.topic, offsets, 8 * 1024 * 1024));
    });
    socket.once('error', reject);
    socket.write(fetchFrame(load.topic, offsets, 8 * 1024 * 1024));
  });
  socket.destroy();
  return records;
}
