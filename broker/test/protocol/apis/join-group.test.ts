import { describe, expect, it } from 'vitest';
import { decodeJoinGroupRequest, encodeJoinGroupResponse, joinGroupErrorResponse, type JoinGroupResponse } from '../../../src/protocol/apis/join-group.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { decodeWhole, expectTruncationsToThrow, kafkajsRequestBody, kafkajsResponse, throttleOf } from '../kafkajs-protocol.ts';

const requestArgs = {
  groupId: 'orders-stg',
  sessionTimeout: 30_000,
  rebalanceTimeout: 60_000,
  memberId: 'member-1',
  groupInstanceId: 'instance-1',
  protocolType: 'consumer',
  groupProtocols: [
    { name: 'RoundRobinAssigner', metadata: Buffer.from([0, 1, 0, 0, 0, 1, 0, 6, 111, 114, 100, 101, 114, 115]) },
    { name: 'RangeAssigner', metadata: Buffer.alloc(0) },
  ],
};

const response: JoinGroupResponse = {
  throttleTimeMs: 6,
  errorCode: 0,
  generationId: 7,
  protocolName: 'RoundRobinAssigner',
  leader: 'member-1',
  memberId: 'member-2',
  members: [
    { memberId: 'member-1', groupInstanceId: 'instance-1', metadata: Buffer.from('meta-1') },
    { memberId: 'member-2', groupInstanceId: null, metadata: Buffer.from('meta-2') },
  ],
};

describe.each([0, 1, 2, 3, 4, 5])('JoinGroup v%i', (version) => {
  const decode = (body: Buffer) => decodeWhole((r) => decodeJoinGroupRequest(version, r), body);

  it('decodes the request kafkajs sends', async () => {
    expect(decode(await kafkajsRequestBody('joinGroup', version, requestArgs))).toEqual({
      groupId: 'orders-stg',
      sessionTimeoutMs: 30_000,
      // v0 has no rebalance timeout: the session timeout stands in for it.
      rebalanceTimeoutMs: version >= 1 ? 60_000 : 30_000,
      memberId: 'member-1',
      groupInstanceId: version >= 5 ? 'instance-1' : null,
      protocolType: 'consumer',
      protocols: requestArgs.groupProtocols,
    });
  });

  it('decodes a first join with an empty member id', async () => {
    const req = decode(await kafkajsRequestBody('joinGroup', version, { ...requestArgs, memberId: '', groupInstanceId: null }));
    expect(req.memberId).toBe('');
    expect(req.groupInstanceId).toBeNull();
  });

  it('throws on every truncation of the request', async () => {
    const body = await kafkajsRequestBody('joinGroup', version, requestArgs);
    expectTruncationsToThrow((r) => decodeJoinGroupRequest(version, r), body);
  });

  it('encodes a leader response kafkajs decodes', async () => {
    const decoded = await kafkajsResponse('joinGroup', version).decode(encodeJoinGroupResponse(version, response));
    expect(decoded).toMatchObject({
      errorCode: 0,
      generationId: 7,
      groupProtocol: 'RoundRobinAssigner',
      leaderId: 'member-1',
      memberId: 'member-2',
    });
    if (version >= 2) expect(throttleOf(decoded)).toBe(6);
    expect(decoded.members).toEqual(
      response.members.map((m) => ({
        memberId: m.memberId,
        memberMetadata: m.metadata,
        ...(version >= 5 ? { groupInstanceId: m.groupInstanceId } : {}),
      })),
    );
  });

  it('encodes an error response kafkajs raises', async () => {
    const req = decode(await kafkajsRequestBody('joinGroup', version, requestArgs));
    const kafkajs = kafkajsResponse('joinGroup', version);
    const decoded = await kafkajs.decode(encodeJoinGroupResponse(version, joinGroupErrorResponse(version, req, ErrorCode.UNKNOWN_MEMBER_ID)));
    expect(decoded).toMatchObject({ errorCode: 25, generationId: -1, memberId: 'member-1', members: [] });
    await expect(kafkajs.parse(decoded)).rejects.toMatchObject({ type: 'UNKNOWN_MEMBER_ID' });
  });

  if (version >= 4) {
    it('carries the new member id with MEMBER_ID_REQUIRED, as kafkajs expects', async () => {
      const req = decode(await kafkajsRequestBody('joinGroup', version, { ...requestArgs, memberId: '' }));
      const res = { ...joinGroupErrorResponse(version, req, ErrorCode.MEMBER_ID_REQUIRED), memberId: 'assigned-7' };
      const kafkajs = kafkajsResponse('joinGroup', version);
      const decoded = await kafkajs.decode(encodeJoinGroupResponse(version, res));
      await expect(kafkajs.parse(decoded)).rejects.toMatchObject({ name: 'KafkaJSMemberIdRequired', memberId: 'assigned-7' });
    });
  }
});
