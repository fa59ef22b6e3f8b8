import { describe, expect, it } from 'vitest';
import { decodeDescribeClusterRequest, describeClusterErrorResponse, encodeDescribeClusterResponse } from '../../../src/protocol/apis/describe-cluster.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { decodeWhole, expectTruncationsToThrow } from '../kafkajs-protocol.ts';

// What kafka-clients 3.9.1 writes, MessageUtil.toByteBuffer(data, version), for a request asking
// for authorized operations (and brokers, v1), and for the response encoded below.
const JAVA_REQUESTS: Record<number, string> = { 0: '0100', 1: '010100' };
const JAVA_RESPONSES: Record<number, string> = {
  0: '000000000000000d746573742d636c75737465720000000002000000000a3132372e302e302e310000238400008000000000',
  1: '00000000000000010d746573742d636c75737465720000000002000000000a3132372e302e302e310000238400008000000000',
};

describe.each([0, 1])('DescribeCluster v%i (kafka-clients 3.9.1 bytes)', (version) => {
  const javaRequest = Buffer.from(JAVA_REQUESTS[version]!, 'hex');

  it('decodes the request the Java client sends, and throws on its truncations', () => {
    expect(decodeWhole((r) => decodeDescribeClusterRequest(version, r), javaRequest)).toEqual({ includeClusterAuthorizedOperations: true, endpointType: 1 });
    expectTruncationsToThrow((r) => decodeDescribeClusterRequest(version, r), javaRequest);
  });

  it('encodes the response byte for byte as the Java client would', () => {
    const body = encodeDescribeClusterResponse(version, {
      throttleTimeMs: 0,
      errorCode: ErrorCode.NONE,
      errorMessage: null,
      endpointType: 1,
      clusterId: 'test-cluster',
      controllerId: 0,
      brokers: [{ brokerId: 0, host: '127.0.0.1', port: 9092, rack: null }],
      clusterAuthorizedOperations: -2147483648,
    });
    expect(body.toString('hex')).toBe(JAVA_RESPONSES[version]);
  });

  it('has an error response with no brokers', () => {
    expect(describeClusterErrorResponse(version, { includeClusterAuthorizedOperations: false, endpointType: 1 }, ErrorCode.UNKNOWN_SERVER_ERROR)).toMatchObject(
      {
        errorCode: -1,
        brokers: [],
        controllerId: -1,
      },
    );
  });
});
