import { describe, expect, it } from 'vitest';
import { ApiKey, SUPPORTED_VERSIONS } from '../../../src/protocol/api-keys.ts';
import {
  apiVersionsErrorResponse,
  decodeApiVersionsRequest,
  encodeApiVersionsResponse,
  encodeUnsupportedApiVersionsResponse,
  supportedApiVersionsResponse,
  type ApiVersionsResponse,
} from '../../../src/protocol/apis/api-versions.ts';
import { Reader } from '../../../src/protocol/codec.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { KafkajsDecoderClass, decodeWhole, expectTruncationsToThrow, kafkajsRequestBody, kafkajsResponse, throttleOf } from '../kafkajs-protocol.ts';

const response: ApiVersionsResponse = {
  errorCode: ErrorCode.NONE,
  apiKeys: [
    { apiKey: ApiKey.Produce, minVersion: 3, maxVersion: 7 },
    { apiKey: ApiKey.ApiVersions, minVersion: 0, maxVersion: 3 },
  ],
  throttleTimeMs: 7,
};

describe.each([0, 1, 2])('ApiVersions v%i (kafkajs)', (version) => {
  it('decodes the empty request kafkajs sends', async () => {
    const body = await kafkajsRequestBody('apiVersions', version);
    expect(decodeWhole((r) => decodeApiVersionsRequest(version, r), body)).toEqual({
      clientSoftwareName: null,
      clientSoftwareVersion: null,
    });
  });

  it('encodes a response kafkajs decodes', async () => {
    const decoded = await kafkajsResponse('apiVersions', version).decode(encodeApiVersionsResponse(version, response));
    expect(decoded.errorCode).toBe(0);
    expect(decoded.apiVersions).toEqual(response.apiKeys);
    if (version >= 1) expect(throttleOf(decoded)).toBe(7);
  });

  it('advertises exactly the supported ranges', async () => {
    const body = encodeApiVersionsResponse(version, supportedApiVersionsResponse());
    const decoded = await kafkajsResponse('apiVersions', version).decode(body);
    const advertised = Object.fromEntries(
      decoded.apiVersions.map((v: { apiKey: number; minVersion: number; maxVersion: number }) => [v.apiKey, { min: v.minVersion, max: v.maxVersion }]),
    );
    expect(advertised).toEqual(SUPPORTED_VERSIONS);
  });
});

describe('ApiVersions v3 (hand-built fixtures: kafkajs has no v3 codec)', () => {
  // client_software_name "librdkafka", client_software_version "2.0.2", empty tag buffer.
  const requestBody = Buffer.concat([Buffer.from([11]), Buffer.from('librdkafka'), Buffer.from([6]), Buffer.from('2.0.2'), Buffer.from([0])]);

  it('decodes the flexible request body', () => {
    expect(decodeWhole((r) => decodeApiVersionsRequest(3, r), requestBody)).toEqual({
      clientSoftwareName: 'librdkafka',
      clientSoftwareVersion: '2.0.2',
    });
  });

  it('throws on every truncation of the request body', () => {
    expectTruncationsToThrow((r) => decodeApiVersionsRequest(3, r), requestBody);
  });

  it('encodes compact arrays and tag buffers exactly as the protocol guide lays them out', () => {
    const body = encodeApiVersionsResponse(3, {
      errorCode: 0,
      apiKeys: [{ apiKey: 18, minVersion: 0, maxVersion: 3 }],
      throttleTimeMs: 0,
    });
    expect([...body]).toEqual([
      0x00,
      0x00, // error_code
      0x02, // compact array: 1 entry
      0x00,
      0x12,
      0x00,
      0x00,
      0x00,
      0x03,
      0x00, // api_key, min, max, entry tag buffer
      0x00,
      0x00,
      0x00,
      0x00, // throttle_time_ms
      0x00, // body tag buffer
    ]);
  });

  it('encodes the full list so an independent flexible decoder reads it to the last byte', () => {
    const body = encodeApiVersionsResponse(3, { ...supportedApiVersionsResponse(), throttleTimeMs: 5 });
    const d = new KafkajsDecoderClass(body);
    expect(d.readInt16()).toBe(0);
    const apiKeys = d.readUVarIntArray((d: InstanceType<typeof KafkajsDecoderClass>) => {
      const entry = { apiKey: d.readInt16(), minVersion: d.readInt16(), maxVersion: d.readInt16() };
      expect(d.readTaggedFields()).toBeNull();
      return entry;
    });
    expect(apiKeys).toEqual(supportedApiVersionsResponse().apiKeys);
    expect(d.readInt32()).toBe(5);
    expect(d.readTaggedFields()).toBeNull();
    expect(d.offset).toBe(body.length);
  });
});

describe('ApiVersions for an unsupported version', () => {
  it('answers a v0 body with UNSUPPORTED_VERSION, which kafkajs turns into its retry-lower error', async () => {
    const body = encodeUnsupportedApiVersionsResponse();
    await expect(kafkajsResponse('apiVersions', 0).decode(body)).rejects.toMatchObject({ type: 'UNSUPPORTED_VERSION' });
  });

  it('still lists the supported ranges, in v0 layout, with nothing after them', () => {
    const r = new Reader(encodeUnsupportedApiVersionsResponse());
    expect(r.int16()).toBe(35);
    const ranges = r.nonNullArray((r) => [r.int16(), { min: r.int16(), max: r.int16() }] as const);
    expect(Object.fromEntries(ranges)).toEqual(SUPPORTED_VERSIONS);
    expect(r.remaining).toBe(0);
  });
});

describe('apiVersionsErrorResponse', () => {
  it.each([0, 1, 2, 3])('carries the error code at v%i', (version) => {
    const res = apiVersionsErrorResponse(version, { clientSoftwareName: null, clientSoftwareVersion: null }, 42);
    const r = new Reader(encodeApiVersionsResponse(version, res));
    expect(r.int16()).toBe(42);
  });
});
