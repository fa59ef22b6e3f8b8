import { describe, expect, it } from 'vitest';
import {
  decodeDescribeGroupsRequest,
  describeGroupsErrorResponse,
  encodeDescribeGroupsResponse,
  type DescribeGroupsResponse,
} from '../../../src/protocol/apis/describe-groups.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { decodeWhole, expectTruncationsToThrow, kafkajsRequestBody, kafkajsResponse, throttleOf } from '../kafkajs-protocol.ts';

const response: DescribeGroupsResponse = {
  throttleTimeMs: 2,
  groups: [
    {
      errorCode: 0,
      groupId: 'orders-stg',
      groupState: 'Stable',
      protocolType: 'consumer',
      protocolData: 'RoundRobinAssigner',
      members: [
        {
          memberId: 'member-1',
          clientId: 'stg-loader',
          clientHost: '/127.0.0.1',
          memberMetadata: Buffer.from('meta'),
          memberAssignment: Buffer.from('assignment'),
        },
      ],
    },
    { errorCode: 0, groupId: 'idle', groupState: 'Empty', protocolType: 'consumer', protocolData: '', members: [] },
  ],
};

describe.each([0, 1, 2])('DescribeGroups v%i', (version) => {
  const decode = (body: Buffer) => decodeWhole((r) => decodeDescribeGroupsRequest(version, r), body);

  it('decodes the request kafkajs sends', async () => {
    expect(decode(await kafkajsRequestBody('describeGroups', version, { groupIds: ['orders-stg', 'idle'] }))).toEqual({
      groups: ['orders-stg', 'idle'],
    });
  });

  it('throws on every truncation of the request', async () => {
    const body = await kafkajsRequestBody('describeGroups', version, { groupIds: ['orders-stg'] });
    expectTruncationsToThrow((r) => decodeDescribeGroupsRequest(version, r), body);
  });

  it('encodes a response kafkajs decodes', async () => {
    const decoded = await kafkajsResponse('describeGroups', version).decode(encodeDescribeGroupsResponse(version, response));
    if (version >= 1) expect(throttleOf(decoded)).toBe(2);
    expect(decoded.groups).toEqual(
      response.groups.map((g) => ({
        errorCode: g.errorCode,
        groupId: g.groupId,
        state: g.groupState,
        protocolType: g.protocolType,
        protocol: g.protocolData,
        members: g.members,
      })),
    );
  });

  it('answers every group with the error, which kafkajs raises', async () => {
    const req = decode(await kafkajsRequestBody('describeGroups', version, { groupIds: ['a', 'b'] }));
    const kafkajs = kafkajsResponse('describeGroups', version);
    const decoded = await kafkajs.decode(encodeDescribeGroupsResponse(version, describeGroupsErrorResponse(version, req, ErrorCode.NOT_COORDINATOR)));
    expect(decoded.groups.map((g: { groupId: string; errorCode: number }) => [g.groupId, g.errorCode])).toEqual([
      ['a', 16],
      ['b', 16],
    ]);
    await expect(kafkajs.parse(decoded)).rejects.toMatchObject({ type: 'NOT_COORDINATOR_FOR_GROUP' });
  });
});
