/**
 * Test access to kafkajs 2.2.4's own protocol encoders and decoders (CommonJS, untyped), so our
 * codecs are checked against the client that must talk to the broker, not against themselves.
 */
import { createRequire } from 'node:module';
import { expect } from 'vitest';
import { ProtocolDecodeError, Reader } from '../../src/protocol/codec.ts';

const require = createRequire(import.meta.url);
const PROTOCOL = 'kafkajs/src/protocol';

// kafkajs ships no types for these internals.
// biome-ignore lint/suspicious/noExplicitAny: what kafkajs's untyped decoders return
export type Decoded = any;

export interface KafkajsEncoder {
  buffer: Buffer;
  size(): number;
}

export interface KafkajsRequest {
  apiKey: number;
  apiVersion: number;
  apiName: string;
  encode(): Promise<KafkajsEncoder>;
}

export interface KafkajsResponse {
  decode(raw: Buffer): Promise<Decoded>;
  parse(decoded: Decoded): Promise<Decoded>;
}

/** The request body kafkajs sends for `api` (its folder name, e.g. 'joinGroup') at `version`. */
export async function kafkajsRequestBody(api: string, version: number, args: Record<string, unknown> = {}): Promise<Buffer> {
  const build = require(`${PROTOCOL}/requests/${api}/v${version}/request.js`) as (a: unknown) => KafkajsRequest;
  const request = build(args);
  expect(request.apiVersion).toBe(version);
  return (await request.encode()).buffer;
}

export function kafkajsResponse(api: string, version: number): KafkajsResponse {
  return require(`${PROTOCOL}/requests/${api}/v${version}/response.js`) as KafkajsResponse;
}

/** A whole request frame (size prefix included) as kafkajs writes it on the socket. */
export async function kafkajsRequestFrame(
  api: string,
  version: number,
  args: Record<string, unknown>,
  correlationId: number,
  clientId: string,
): Promise<Buffer> {
  const build = require(`${PROTOCOL}/requests/${api}/v${version}/request.js`) as (a: unknown) => KafkajsRequest;
  const encodeFrame = require(`${PROTOCOL}/request.js`) as (a: unknown) => Promise<KafkajsEncoder>;
  return (await encodeFrame({ correlationId, clientId, request: build(args) })).buffer;
}

export const KafkajsEncoderClass = require(`${PROTOCOL}/encoder.js`) as new () => Decoded;
export const KafkajsDecoderClass = require(`${PROTOCOL}/decoder.js`) as new (buf: Buffer) => Decoded;

const { RecordBatch } = require(`${PROTOCOL}/recordBatch/v0/index.js`) as {
  RecordBatch: (opts: Record<string, unknown>) => Promise<KafkajsEncoder>;
};
const KafkajsRecord = require(`${PROTOCOL}/recordBatch/record/v0/index.js`) as (opts: Record<string, unknown>) => unknown;
const decodeRecordBatch = require(`${PROTOCOL}/recordBatch/v0/decoder.js`) as (d: Decoded) => Promise<Decoded>;
export const CompressionTypes = require(`${PROTOCOL}/message/compression/index.js`).Types as {
  None: number;
  GZIP: number;
};

export interface TestMessage {
  key: string | null;
  value: string;
  timestamp: number;
  headers?: Record<string, string>;
}

/** A record batch (magic 2) encoded by kafkajs, starting at `baseOffset`. */
export async function kafkajsRecordBatch(messages: TestMessage[], baseOffset: number, compression: number = CompressionTypes.None): Promise<Buffer> {
  const first = messages[0]!.timestamp;
  const records = messages.map((m, i) =>
    KafkajsRecord({ offsetDelta: i, timestampDelta: m.timestamp - first, key: m.key, value: m.value, headers: m.headers ?? {} }),
  );
  const batch = await RecordBatch({
    compression,
    records,
    firstOffset: baseOffset,
    firstTimestamp: first,
    maxTimestamp: Math.max(...messages.map((m) => m.timestamp)),
    lastOffsetDelta: messages.length - 1,
  });
  return batch.buffer;
}

/** Every batch in `records`, decoded by kafkajs. */
export async function decodeRecordBatches(records: Buffer): Promise<Decoded[]> {
  const decoder = new KafkajsDecoderClass(records);
  const batches: Decoded[] = [];
  while (decoder.offset < records.length) batches.push(await decodeRecordBatch(decoder));
  return batches;
}

/** kafkajs reports the throttle time under clientSideThrottleTime from the "throttle before answering" versions on. */
export function throttleOf(decoded: Decoded): number {
  return decoded.clientSideThrottleTime ?? decoded.throttleTime;
}

/** Decodes `body` completely: every byte must be consumed. */
export function decodeWhole<T>(decode: (r: Reader) => T, body: Buffer): T {
  const r = new Reader(body);
  const value = decode(r);
  expect(r.remaining).toBe(0);
  return value;
}

/** Every strict prefix of a valid body is malformed and must throw ProtocolDecodeError. */
export function expectTruncationsToThrow(decode: (r: Reader) => unknown, body: Buffer): void {
  for (let length = 0; length < body.length; length++) {
    const prefix = body.subarray(0, length);
    expect(() => decode(new Reader(prefix)), `prefix of ${length}/${body.length} bytes`).toThrow(ProtocolDecodeError);
  }
}
