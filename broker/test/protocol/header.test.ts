import { describe, expect, it } from 'vitest';
import { ApiKey } from '../../src/protocol/api-keys.ts';
import { decodeApiVersionsRequest } from '../../src/protocol/apis/api-versions.ts';
import { decodeMetadataRequest } from '../../src/protocol/apis/metadata.ts';
import { ProtocolDecodeError } from '../../src/protocol/codec.ts';
import { decodeRequestHeader, encodeResponseFrame, peekRequestHeader, requestHeaderVersion, responseHeaderVersion } from '../../src/protocol/header.ts';
import { kafkajsRequestFrame } from './kafkajs-protocol.ts';

/**
 * An ApiVersions v3 request as librdkafka 2.0.2 sends it, built by hand from the protocol guide
 * (kafkajs has no v3 encoder): header v2 (client_id stays an int16-length string, then a tag
 * buffer), then a flexible body of two compact strings and a tag buffer.
 */
function librdkafkaApiVersionsV3Frame(headerTags: Buffer = Buffer.from([0])): Buffer {
  const clientId = Buffer.from('rdkafka');
  const name = Buffer.from('librdkafka');
  const version = Buffer.from('2.0.2');
  return Buffer.concat([
    Buffer.from([0x00, 0x12, 0x00, 0x03]), // api key 18, version 3
    Buffer.from([0x00, 0x00, 0x00, 0x01]), // correlation id 1
    Buffer.from([0x00, clientId.length]),
    clientId,
    headerTags,
    Buffer.from([name.length + 1]),
    name,
    Buffer.from([version.length + 1]),
    version,
    Buffer.from([0x00]),
  ]);
}

describe('decodeRequestHeader', () => {
  it('reads a header v1 frame written by kafkajs and leaves the body for the API decoder', async () => {
    const frame = await kafkajsRequestFrame('metadata', 4, { topics: ['orders'], allowAutoTopicCreation: false }, 42, 'my-app');
    expect(frame.readInt32BE(0)).toBe(frame.length - 4);

    const header = decodeRequestHeader(frame.subarray(4));
    expect(header).toMatchObject({ apiKey: ApiKey.Metadata, apiVersion: 4, correlationId: 42, clientId: 'my-app' });
    expect(decodeMetadataRequest(4, header.body)).toEqual({ topics: [{ name: 'orders' }], allowAutoTopicCreation: false });
    expect(header.body.remaining).toBe(0);
  });

  it('reads kafkajs ApiVersions v2 with header v1 (no tag buffer)', async () => {
    const frame = await kafkajsRequestFrame('apiVersions', 2, {}, 7, 'kafkajs');
    const header = decodeRequestHeader(frame.subarray(4));
    expect(header).toMatchObject({ apiKey: ApiKey.ApiVersions, apiVersion: 2, correlationId: 7, clientId: 'kafkajs' });
    expect(header.body.remaining).toBe(0);
  });

  it('reads librdkafka ApiVersions v3 with header v2 and its flexible body', () => {
    const header = decodeRequestHeader(librdkafkaApiVersionsV3Frame());
    expect(header).toMatchObject({ apiKey: ApiKey.ApiVersions, apiVersion: 3, correlationId: 1, clientId: 'rdkafka' });
    expect(decodeApiVersionsRequest(3, header.body)).toEqual({
      clientSoftwareName: 'librdkafka',
      clientSoftwareVersion: '2.0.2',
    });
    expect(header.body.remaining).toBe(0);
  });

  it('skips tagged fields present in a header v2', () => {
    const tags = Buffer.from([0x01, 0x05, 0x02, 0xab, 0xcd]); // one field: tag 5, 2 bytes
    const header = decodeRequestHeader(librdkafkaApiVersionsV3Frame(tags));
    expect(decodeApiVersionsRequest(3, header.body).clientSoftwareName).toBe('librdkafka');
  });

  it('reads a null client id', () => {
    const frame = Buffer.from([0x00, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x09, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    const header = decodeRequestHeader(frame);
    expect(header.clientId).toBeNull();
    expect(decodeMetadataRequest(1, header.body)).toEqual({ topics: null, allowAutoTopicCreation: true });
  });

  it('throws ProtocolDecodeError on a truncated header', async () => {
    const frame = (await kafkajsRequestFrame('metadata', 1, { topics: [] }, 1, 'my-app')).subarray(4);
    for (let length = 0; length < 14; length++) {
      expect(() => decodeRequestHeader(frame.subarray(0, length))).toThrow(ProtocolDecodeError);
    }
  });
});

describe('peekRequestHeader', () => {
  it('reads api key, version and correlation id even when the rest is garbage', () => {
    const frame = Buffer.from([0x00, 0x01, 0x00, 0x0b, 0x00, 0x00, 0x01, 0x00, 0x7f, 0xff, 0x01]);
    expect(peekRequestHeader(frame)).toEqual({ apiKey: ApiKey.Fetch, apiVersion: 11, correlationId: 256 });
    expect(() => decodeRequestHeader(frame)).toThrow(ProtocolDecodeError);
  });

  it('returns null when the frame cannot hold them', () => {
    expect(peekRequestHeader(Buffer.alloc(7))).toBeNull();
  });
});

describe('requestHeaderVersion and responseHeaderVersion', () => {
  it("request header 2 from each API's first flexible version on", () => {
    expect(requestHeaderVersion(ApiKey.ApiVersions, 3)).toBe(2);
    expect(requestHeaderVersion(ApiKey.ApiVersions, 4)).toBe(2);
    expect(requestHeaderVersion(ApiKey.ApiVersions, 2)).toBe(1);
    expect(requestHeaderVersion(ApiKey.Fetch, 11)).toBe(1);
    expect(requestHeaderVersion(ApiKey.Fetch, 12)).toBe(2);
    expect(requestHeaderVersion(ApiKey.DescribeConfigs, 3)).toBe(1);
    expect(requestHeaderVersion(ApiKey.DescribeConfigs, 4)).toBe(2);
    expect(requestHeaderVersion(ApiKey.DescribeCluster, 0)).toBe(2);
    expect(requestHeaderVersion(99, 7)).toBe(1);
  });

  it('response header 1 for flexible versions, except ApiVersions which always answers header 0', () => {
    expect(responseHeaderVersion(ApiKey.ApiVersions, 3)).toBe(0);
    expect(responseHeaderVersion(ApiKey.ListGroups, 2)).toBe(0);
    expect(responseHeaderVersion(ApiKey.ListGroups, 3)).toBe(1);
    expect(responseHeaderVersion(ApiKey.DescribeCluster, 0)).toBe(1);
  });
});

describe('encodeResponseFrame', () => {
  it('writes size, correlation id (header v0) and the body', () => {
    const frame = encodeResponseFrame(-2, Buffer.from([1, 2, 3]));
    expect([...frame]).toEqual([0, 0, 0, 7, 0xff, 0xff, 0xff, 0xfe, 1, 2, 3]);
  });

  it('adds an empty tag buffer for header v1', () => {
    const frame = encodeResponseFrame(-2, Buffer.from([1, 2, 3]), 1);
    expect([...frame]).toEqual([0, 0, 0, 8, 0xff, 0xff, 0xff, 0xfe, 0, 1, 2, 3]);
  });
});
