import { describe, expect, it } from 'vitest';
import {
  decodeListGroupsRequest,
  encodeListGroupsResponse,
  listGroupsErrorResponse,
} from '../../../src/protocol/apis/list-groups.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { decodeWhole, kafkajsRequestBody, kafkajsResponse, throttleOf } from '../kafkajs-protocol.ts';

describe.each([0, 1, 2])('ListGroups v%i', (version) => {
  it('decodes the empty request kafkajs sends', async () => {
    const body = await kafkajsRequestBody('listGroups', version);
    expect(body.length).toBe(0);
    expect(decodeWhole((r) => decodeListGroupsRequest(version, r), body)).toEqual({});
  });

  it('encodes a response kafkajs decodes', async () => {
    const groups = [
      { groupId: 'orders-stg', protocolType: 'consumer' },
      { groupId: 'connect', protocolType: 'connect' },
    ];
    const decoded = await kafkajsResponse('listGroups', version).decode(
      encodeListGroupsResponse(version, { throttleTimeMs: 1, errorCode: 0, groups }),
    );
    expect(decoded.errorCode).toBe(0);
    expect(decoded.groups).toEqual(groups);
    if (version >= 1) expect(throttleOf(decoded)).toBe(1);
  });

  it('encodes an error response kafkajs raises', async () => {
    const kafkajs = kafkajsResponse('listGroups', version);
    const decoded = await kafkajs.decode(
      encodeListGroupsResponse(version, listGroupsErrorResponse(version, {}, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)),
    );
    expect(decoded).toMatchObject({ errorCode: 14, groups: [] });
    await expect(kafkajs.parse(decoded)).rejects.toMatchObject({ type: 'GROUP_LOAD_IN_PROGRESS' });
  });
});
