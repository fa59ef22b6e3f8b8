import { describe, expect, it } from 'vitest';
import {
  decodeDescribeConfigsRequest,
  describeConfigsErrorResponse,
  encodeDescribeConfigsResponse,
  type DescribeConfigsResponse,
} from '../../../src/protocol/apis/describe-configs.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { decodeWhole, expectTruncationsToThrow, kafkajsRequestBody, kafkajsResponse } from '../kafkajs-protocol.ts';

// What kafka-clients 3.9.1 writes, MessageUtil.toByteBuffer(data, version), for a request naming
// the topic "orders" (keys retention.ms, cleanup.policy) and broker "0" (every key), with
// synonyms (v1+) and documentation (v3+); and for the response `RESPONSE` below.
const JAVA_REQUESTS: Record<number, string> = {
  0: '000000020200066f726465727300000002000c726574656e74696f6e2e6d73000e636c65616e75702e706f6c69637904000130ffffffff',
  1: '000000020200066f726465727300000002000c726574656e74696f6e2e6d73000e636c65616e75702e706f6c69637904000130ffffffff01',
  2: '000000020200066f726465727300000002000c726574656e74696f6e2e6d73000e636c65616e75702e706f6c69637904000130ffffffff01',
  3: '000000020200066f726465727300000002000c726574656e74696f6e2e6d73000e636c65616e75702e706f6c69637904000130ffffffff0101',
  4: '0302076f7264657273030d726574656e74696f6e2e6d730f636c65616e75702e706f6c696379000402300000010100',
};
const JAVA_RESPONSES: Record<number, string> = {
  0: '00000000000000020000ffff0200066f726465727300000001000c726574656e74696f6e2e6d7300022d310100000003002354686520746f70696320276d697373696e672720646f6573206e6f742065786973742e0200076d697373696e6700000000',
  1: '00000000000000020000ffff0200066f726465727300000001000c726574656e74696f6e2e6d7300022d310104000000000100106c6f672e726574656e74696f6e2e6d7300022d31040003002354686520746f70696320276d697373696e672720646f6573206e6f742065786973742e0200076d697373696e6700000000',
  2: '00000000000000020000ffff0200066f726465727300000001000c726574656e74696f6e2e6d7300022d310104000000000100106c6f672e726574656e74696f6e2e6d7300022d31040003002354686520746f70696320276d697373696e672720646f6573206e6f742065786973742e0200076d697373696e6700000000',
  3: '00000000000000020000ffff0200066f726465727300000001000c726574656e74696f6e2e6d7300022d310104000000000100106c6f672e726574656e74696f6e2e6d7300022d31040500184e6f2074696d652d626173656420726574656e74696f6e2e0003002354686520746f70696320276d697373696e672720646f6573206e6f742065786973742e0200076d697373696e6700000000',
  4: '000000000300000002076f7264657273020d726574656e74696f6e2e6d73032d3101040002116c6f672e726574656e74696f6e2e6d73032d31040005194e6f2074696d652d626173656420726574656e74696f6e2e000000032454686520746f70696320276d697373696e672720646f6573206e6f742065786973742e02086d697373696e67010000',
};

const RESPONSE: DescribeConfigsResponse = {
  throttleTimeMs: 0,
  results: [
    {
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      resourceType: 2,
      resourceName: 'orders',
      configs: [
        {
          name: 'retention.ms',
          value: '-1',
          readOnly: true,
          source: 4,
          isSensitive: false,
          synonyms: [{ name: 'log.retention.ms', value: '-1', source: 4 }],
          configType: 5,
          documentation: 'No time-based retention.',
        },
      ],
    },
    {
      errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
      errorMessage: "The topic 'missing' does not exist.",
      resourceType: 2,
      resourceName: 'missing',
      configs: [],
    },
  ],
};

describe.each([0, 1, 2, 3, 4])('DescribeConfigs v%i (kafka-clients 3.9.1 bytes)', (version) => {
  const javaRequest = Buffer.from(JAVA_REQUESTS[version]!, 'hex');

  it('decodes the request the Java client sends', () => {
    expect(decodeWhole((r) => decodeDescribeConfigsRequest(version, r), javaRequest)).toEqual({
      resources: [
        { resourceType: 2, resourceName: 'orders', configurationKeys: ['retention.ms', 'cleanup.policy'] },
        { resourceType: 4, resourceName: '0', configurationKeys: null },
      ],
      includeSynonyms: version >= 1,
      includeDocumentation: version >= 3,
    });
  });

  it('throws on every truncation of the request', () => {
    expectTruncationsToThrow((r) => decodeDescribeConfigsRequest(version, r), javaRequest);
  });

  it('encodes the response byte for byte as the Java client would', () => {
    expect(encodeDescribeConfigsResponse(version, RESPONSE).toString('hex')).toBe(JAVA_RESPONSES[version]);
  });
});

describe.each([0, 1, 2])('DescribeConfigs v%i (kafkajs)', (version) => {
  it('decodes the request kafkajs sends', async () => {
    const body = await kafkajsRequestBody('describeConfigs', version, {
      resources: [{ type: 2, name: 'orders', configNames: ['cleanup.policy'] }],
      includeSynonyms: true,
    });
    expect(decodeWhole((r) => decodeDescribeConfigsRequest(version, r), body)).toEqual({
      resources: [{ resourceType: 2, resourceName: 'orders', configurationKeys: ['cleanup.policy'] }],
      includeSynonyms: version >= 1,
      includeDocumentation: false,
    });
  });

  it('encodes a response kafkajs decodes, and an error it raises', async () => {
    const kafkajs = kafkajsResponse('describeConfigs', version);
    const decoded = await kafkajs.decode(encodeDescribeConfigsResponse(version, RESPONSE));
    expect(decoded.resources[0]).toMatchObject({
      errorCode: 0,
      resourceName: 'orders',
      configEntries: [{ configName: 'retention.ms', configValue: '-1', readOnly: true, isDefault: false, isSensitive: false }],
    });
    const request = { resources: [{ resourceType: 2, resourceName: 'orders', configurationKeys: null }], includeSynonyms: false, includeDocumentation: false };
    const failed = await kafkajs.decode(encodeDescribeConfigsResponse(version, describeConfigsErrorResponse(version, request, ErrorCode.INVALID_REQUEST)));
    await expect(kafkajs.parse(failed)).rejects.toMatchObject({ type: 'INVALID_REQUEST' });
  });
});
