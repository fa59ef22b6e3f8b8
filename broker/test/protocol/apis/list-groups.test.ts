import { describe, expect, it } from 'vitest';
import { decodeListGroupsRequest, encodeListGroupsResponse, listGroupsErrorResponse } from '../../../src/protocol/apis/list-groups.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { decodeWhole, expectTruncationsToThrow, kafkajsRequestBody, kafkajsResponse, throttleOf } from '../kafkajs-protocol.ts';

describe.each([0, 1, 2])('ListGroups v%i (kafkajs)', (version) => {
  it('decodes the empty request kafkajs sends', async () => {
    const body = await kafkajsRequestBody('listGroups', version);
    expect(body.length).toBe(0);
    expect(decodeWhole((r) => decodeListGroupsRequest(version, r), body)).toEqual({ statesFilter: [], typesFilter: [] });
  });

  it('encodes a response kafkajs decodes', async () => {
    const groups = [
      { groupId: 'orders-stg', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' },
      { groupId: 'connect', protocolType: 'connect', groupState: 'Empty', groupType: 'classic' },
    ];
    const decoded = await kafkajsResponse('listGroups', version).decode(encodeListGroupsResponse(version, { throttleTimeMs: 1, errorCode: 0, groups }));
    expect(decoded.errorCode).toBe(0);
    expect(decoded.groups).toEqual(groups.map(({ groupId, protocolType }) => ({ groupId, protocolType })));
    if (version >= 1) expect(throttleOf(decoded)).toBe(1);
  });

  it('encodes an error response kafkajs raises', async () => {
    const kafkajs = kafkajsResponse('listGroups', version);
    const decoded = await kafkajs.decode(
      encodeListGroupsResponse(version, listGroupsErrorResponse(version, { statesFilter: [], typesFilter: [] }, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS)),
    );
    expect(decoded).toMatchObject({ errorCode: 14, groups: [] });
    await expect(kafkajs.parse(decoded)).rejects.toMatchObject({ type: 'GROUP_LOAD_IN_PROGRESS' });
  });
});

// What kafka-clients 3.9.1 writes, MessageUtil.toByteBuffer(data, version), for a request filtering
// states Stable and Empty (v4+) and type classic (v5), and for the response encoded below.
const JAVA_REQUESTS: Record<number, string> = {
  3: '00',
  4: '0307537461626c6506456d70747900',
  5: '0307537461626c6506456d7074790208636c617373696300',
};
const JAVA_RESPONSES: Record<number, string> = {
  3: '000000010000020b6f72646572732d73746709636f6e73756d65720000',
  4: '000000010000020b6f72646572732d73746709636f6e73756d657207537461626c650000',
  5: '000000010000020b6f72646572732d73746709636f6e73756d657207537461626c6508636c61737369630000',
};

describe.each([3, 4, 5])('ListGroups v%i (kafka-clients 3.9.1 bytes)', (version) => {
  const javaRequest = Buffer.from(JAVA_REQUESTS[version]!, 'hex');

  it('decodes the request the Java client sends, and throws on its truncations', () => {
    expect(decodeWhole((r) => decodeListGroupsRequest(version, r), javaRequest)).toEqual({
      statesFilter: version >= 4 ? ['Stable', 'Empty'] : [],
      typesFilter: version >= 5 ? ['classic'] : [],
    });
    expectTruncationsToThrow((r) => decodeListGroupsRequest(version, r), javaRequest);
  });

  it('encodes the response byte for byte as the Java client would', () => {
    const body = encodeListGroupsResponse(version, {
      throttleTimeMs: 1,
      errorCode: 0,
      groups: [{ groupId: 'orders-stg', protocolType: 'consumer', groupState: 'Stable', groupType: 'classic' }],
    });
    expect(body.toString('hex')).toBe(JAVA_RESPONSES[version]);
  });
});
