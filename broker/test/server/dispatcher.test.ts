import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher, kafkaClientHost } from '../../src/server/dispatcher.ts';
import type { ClientInfo } from '../../src/server/connection.ts';
import { kafkajsRequestFrame, kafkajsResponse } from '../protocol/kafkajs-protocol.ts';
import { makeTestContext, type TestContext } from './test-context.ts';

let test: TestContext;
afterEach(() => test?.dispose());

const client: ClientInfo = { id: 1, remoteAddress: '127.0.0.1', signal: new AbortController().signal };

/** A request as kafkajs encodes it, without the size prefix (what the dispatcher receives). */
async function request(api: string, version: number, args: Record<string, unknown>, correlationId = 7): Promise<Buffer> {
  return (await kafkajsRequestFrame(api, version, args, correlationId, 'dispatcher-test')).subarray(4);
}

/** Joins the response parts and checks the frame: size prefix, correlation id; returns the body. */
function responseBody(parts: Buffer[] | null, correlationId = 7): Buffer {
  expect(parts).not.toBeNull();
  const frame = Buffer.concat(parts!);
  expect(frame.readInt32BE(0)).toBe(frame.length - 4);
  expect(frame.readInt32BE(4)).toBe(correlationId);
  return frame.subarray(8);
}

describe('dispatcher', () => {
  it('answers a request with a frame kafkajs decodes', async () => {
    test = makeTestContext();
    test.ctx.topics.create('t', 2);
    const dispatch = createDispatcher(test.ctx);
    const body = responseBody(await dispatch(await request('metadata', 6, { topics: ['t'], allowAutoTopicCreation: false }), client));
    const decoded = await kafkajsResponse('metadata', 6).decode(body);
    expect(decoded.brokers).toEqual([expect.objectContaining({ nodeId: 0, host: '127.0.0.1', port: 9092 })]);
    expect(decoded.topicMetadata[0].partitionMetadata).toHaveLength(2);
  });

  it('keeps the body apart from the 8-byte prefix (no extra copy of large bodies)', async () => {
    test = makeTestContext();
    const parts = await createDispatcher(test.ctx)(await request('apiVersions', 2, {}), client);
    expect(parts).toHaveLength(2);
    expect(parts![0]!.length).toBe(8);
  });

  it('answers ApiVersions of an unknown version with error 35 and the supported ranges', async () => {
    test = makeTestContext();
    const frame = Buffer.alloc(4 + 2 + 2 + 4 + 2 + 1);
    frame.writeInt16BE(18, 0);
    frame.writeInt16BE(42, 2);
    frame.writeInt32BE(7, 4);
    frame.writeInt16BE(-1, 8); // null client id, then an empty tag buffer (header v2)
    const body = responseBody(await createDispatcher(test.ctx)(frame.subarray(0, 11), client));
    // A v0 body (kafkajs's decoder throws on 35, which is how it knows to step down a version).
    await expect(kafkajsResponse('apiVersions', 0).decode(body)).rejects.toThrow(/not supported/);
    expect(body.readInt16BE(0)).toBe(35);
    expect(body.readInt32BE(2)).toBe(19);
    expect(body.length).toBe(2 + 4 + 19 * 6);
  });

  it('reads a flexible request header (v2) and answers with response header v1 (a tag buffer after the correlation id)', async () => {
    test = makeTestContext();
    test.ctx.topics.create('orders', 1);
    // DescribeConfigs v4 as kafka-clients 3.9.1 sends it: topic "orders" and broker "0".
    const javaBody = Buffer.from('0302076f7264657273030d726574656e74696f6e2e6d730f636c65616e75702e706f6c696379000402300000010100', 'hex');
    const header = Buffer.from([0x00, 0x20, 0x00, 0x04, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 0x6a, 0x00]); // key 32, v4, id 7, client "j", no tags
    const frame = Buffer.concat((await createDispatcher(test.ctx)(Buffer.concat([header, javaBody]), client)) ?? []);
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);
    expect(frame.readInt32BE(4)).toBe(7);
    expect(frame[8]).toBe(0); // the response header's empty tag buffer
    expect(frame.readInt32BE(9)).toBe(0); // then the body: throttle_time_ms
    expect(frame[13]).toBe(3); // two results (compact array: count + 1)
  });

  it('hands the group coordinator the client host as Kafka shows it', () => {
    expect(kafkaClientHost('127.0.0.1')).toBe('/127.0.0.1');
    expect(kafkaClientHost('::ffff:10.0.0.7')).toBe('/10.0.0.7');
  });

  it('sends nothing for acks=0', async () => {
    test = makeTestContext();
    test.ctx.topics.create('t', 1);
    const produce = await request('produce', 7, {
      acks: 0,
      timeout: 1000,
      topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ value: 'x' }] }] }],
    });
    expect(await createDispatcher(test.ctx)(produce, client)).toBeNull();
    expect(test.ctx.topics.get('t')!.partitions[0]!.highWatermark).toBe(1n);
  });

  it('rejects (so the connection is closed) an unknown API, an unsupported version and a truncated body', async () => {
    test = makeTestContext();
    const dispatch = createDispatcher(test.ctx);
    const unknown = Buffer.from(await request('apiVersions', 0, {}));
    unknown.writeInt16BE(99, 0);
    await expect(dispatch(unknown, client)).rejects.toThrow(/unsupported API key 99/);
    const tooNew = Buffer.from(await request('metadata', 6, { topics: [] }));
    tooNew.writeInt16BE(50, 2);
    await expect(dispatch(tooNew, client)).rejects.toThrow(/unsupported Metadata version 50/);
    const whole = await request('metadata', 6, { topics: ['a-long-topic-name'], allowAutoTopicCreation: true });
    await expect(dispatch(whole.subarray(0, whole.length - 5), client)).rejects.toThrow();
    await expect(dispatch(Buffer.from([0, 3]), client)).rejects.toThrow();
  });

  it('answers UNKNOWN_SERVER_ERROR when a handler throws, and logs why', async () => {
    test = makeTestContext();
    test.ctx.groups.listGroups = () => {
      throw new Error('boom');
    };
    const body = responseBody(await createDispatcher(test.ctx)(await request('listGroups', 2, {}), client));
    expect((await kafkajsResponse('listGroups', 2).decode(body)).errorCode).toBe(-1);
    expect(test.warnings.join('\n')).toMatch(/ListGroups v2 .*boom/);
  });
});
