import { describe, expect, it } from 'vitest';
import { decodeFindCoordinatorRequest, encodeFindCoordinatorResponse, findCoordinatorErrorResponse } from '../../../src/protocol/apis/find-coordinator.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { decodeWhole, expectTruncationsToThrow, kafkajsRequestBody, kafkajsResponse, throttleOf } from '../kafkajs-protocol.ts';

// kafkajs names the v0 argument groupId and the v1+ ones coordinatorKey/coordinatorType.
const argsFor = (version: number, key: string, keyType: number) => (version === 0 ? { groupId: key } : { coordinatorKey: key, coordinatorType: keyType });

describe.each([0, 1, 2])('FindCoordinator v%i', (version) => {
  const decode = (body: Buffer) => decodeWhole((r) => decodeFindCoordinatorRequest(version, r), body);

  it('decodes the request kafkajs sends', async () => {
    expect(decode(await kafkajsRequestBody('findCoordinator', version, argsFor(version, 'orders-stg', 1)))).toEqual({
      key: 'orders-stg',
      keyType: version >= 1 ? 1 : 0,
    });
  });

  it('throws on every truncation of the request', async () => {
    const body = await kafkajsRequestBody('findCoordinator', version, argsFor(version, 'g', 0));
    expectTruncationsToThrow((r) => decodeFindCoordinatorRequest(version, r), body);
  });

  it('encodes a response kafkajs decodes', async () => {
    const body = encodeFindCoordinatorResponse(version, {
      throttleTimeMs: 2,
      errorCode: 0,
      errorMessage: null,
      nodeId: 1,
      host: '127.0.0.1',
      port: 19092,
    });
    const decoded = await kafkajsResponse('findCoordinator', version).decode(body);
    expect(decoded).toMatchObject({ errorCode: 0, coordinator: { nodeId: 1, host: '127.0.0.1', port: 19092 } });
    if (version >= 1) {
      expect(decoded.errorMessage).toBeNull();
      expect(throttleOf(decoded)).toBe(2);
    }
  });

  it('encodes an error response kafkajs raises', async () => {
    const req = decode(await kafkajsRequestBody('findCoordinator', version, argsFor(version, 'g', 0)));
    const res = { ...findCoordinatorErrorResponse(version, req, ErrorCode.COORDINATOR_NOT_AVAILABLE), errorMessage: 'loading' };
    const kafkajs = kafkajsResponse('findCoordinator', version);
    const decoded = await kafkajs.decode(encodeFindCoordinatorResponse(version, res));
    expect(decoded).toMatchObject({ errorCode: 15, coordinator: { nodeId: -1, host: '', port: -1 } });
    if (version >= 1) expect(decoded.errorMessage).toBe('loading');
    await expect(kafkajs.parse(decoded)).rejects.toMatchObject({ type: 'GROUP_COORDINATOR_NOT_AVAILABLE' });
  });
});
