import { describe, expect, it } from 'vitest';
import { decodeSyncGroupRequest, encodeSyncGroupResponse, syncGroupErrorResponse } from '../../../src/protocol/apis/sync-group.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { decodeWhole, expectTruncationsToThrow, kafkajsRequestBody, kafkajsResponse, throttleOf } from '../kafkajs-protocol.ts';

const requestArgs = {
  groupId: 'orders-stg',
  generationId: 7,
  memberId: 'member-1',
  groupInstanceId: 'instance-1',
  groupAssignment: [
    { memberId: 'member-1', memberAssignment: Buffer.from([0, 1, 2, 3]) },
    { memberId: 'member-2', memberAssignment: Buffer.alloc(0) },
  ],
};

describe.each([0, 1, 2, 3])('SyncGroup v%i', (version) => {
  const decode = (body: Buffer) => decodeWhole((r) => decodeSyncGroupRequest(version, r), body);

  it('decodes the leader request kafkajs sends', async () => {
    expect(decode(await kafkajsRequestBody('syncGroup', version, requestArgs))).toEqual({
      groupId: 'orders-stg',
      generationId: 7,
      memberId: 'member-1',
      groupInstanceId: version >= 3 ? 'instance-1' : null,
      assignments: requestArgs.groupAssignment.map((a) => ({ memberId: a.memberId, assignment: a.memberAssignment })),
    });
  });

  it('decodes a follower request with no assignments', async () => {
    const req = decode(await kafkajsRequestBody('syncGroup', version, { ...requestArgs, groupAssignment: [] }));
    expect(req.assignments).toEqual([]);
  });

  it('throws on every truncation of the request', async () => {
    const body = await kafkajsRequestBody('syncGroup', version, requestArgs);
    expectTruncationsToThrow((r) => decodeSyncGroupRequest(version, r), body);
  });

  it('encodes a response kafkajs decodes', async () => {
    const body = encodeSyncGroupResponse(version, { throttleTimeMs: 8, errorCode: 0, assignment: Buffer.from('assigned') });
    const decoded = await kafkajsResponse('syncGroup', version).decode(body);
    expect(decoded).toMatchObject({ errorCode: 0, memberAssignment: Buffer.from('assigned') });
    if (version >= 1) expect(throttleOf(decoded)).toBe(8);
  });

  it('encodes an error response kafkajs raises', async () => {
    const req = decode(await kafkajsRequestBody('syncGroup', version, requestArgs));
    const kafkajs = kafkajsResponse('syncGroup', version);
    const decoded = await kafkajs.decode(encodeSyncGroupResponse(version, syncGroupErrorResponse(version, req, ErrorCode.REBALANCE_IN_PROGRESS)));
    expect(decoded).toMatchObject({ errorCode: 27, memberAssignment: Buffer.alloc(0) });
    await expect(kafkajs.parse(decoded)).rejects.toMatchObject({ type: 'REBALANCE_IN_PROGRESS' });
  });
});
