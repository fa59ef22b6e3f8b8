import { describe, expect, it } from 'vitest';
import { decodeHeartbeatRequest, encodeHeartbeatResponse, heartbeatErrorResponse } from '../../../src/protocol/apis/heartbeat.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { decodeWhole, expectTruncationsToThrow, kafkajsRequestBody, kafkajsResponse, throttleOf } from '../kafkajs-protocol.ts';

const requestArgs = { groupId: 'orders-stg', groupGenerationId: 7, memberId: 'member-1', groupInstanceId: 'instance-1' };

describe.each([0, 1, 2, 3])('Heartbeat v%i', (version) => {
  const decode = (body: Buffer) => decodeWhole((r) => decodeHeartbeatRequest(version, r), body);

  it('decodes the request kafkajs sends', async () => {
    expect(decode(await kafkajsRequestBody('heartbeat', version, requestArgs))).toEqual({
      groupId: 'orders-stg',
      generationId: 7,
      memberId: 'member-1',
      groupInstanceId: version >= 3 ? 'instance-1' : null,
    });
  });

  it('decodes a request without a group instance id', async () => {
    const { groupInstanceId: _omitted, ...args } = requestArgs;
    expect(decode(await kafkajsRequestBody('heartbeat', version, args)).groupInstanceId).toBeNull();
  });

  it('throws on every truncation of the request', async () => {
    const body = await kafkajsRequestBody('heartbeat', version, requestArgs);
    expectTruncationsToThrow((r) => decodeHeartbeatRequest(version, r), body);
  });

  it('encodes a response kafkajs decodes', async () => {
    const decoded = await kafkajsResponse('heartbeat', version).decode(encodeHeartbeatResponse(version, { throttleTimeMs: 12, errorCode: 0 }));
    expect(decoded.errorCode).toBe(0);
    if (version >= 1) expect(throttleOf(decoded)).toBe(12);
  });

  it('encodes an error response kafkajs raises', async () => {
    const req = decode(await kafkajsRequestBody('heartbeat', version, requestArgs));
    const kafkajs = kafkajsResponse('heartbeat', version);
    const decoded = await kafkajs.decode(encodeHeartbeatResponse(version, heartbeatErrorResponse(version, req, ErrorCode.ILLEGAL_GENERATION)));
    expect(decoded.errorCode).toBe(22);
    await expect(kafkajs.parse(decoded)).rejects.toMatchObject({ type: 'ILLEGAL_GENERATION' });
  });
});
