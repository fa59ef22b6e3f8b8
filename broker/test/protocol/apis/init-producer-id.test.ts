import { describe, expect, it } from 'vitest';
import { decodeInitProducerIdRequest, encodeInitProducerIdResponse, initProducerIdErrorResponse } from '../../../src/protocol/apis/init-producer-id.ts';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { decodeWhole, expectTruncationsToThrow, kafkajsRequestBody, kafkajsResponse, throttleOf } from '../kafkajs-protocol.ts';

describe.each([0, 1])('InitProducerId v%i', (version) => {
  const decode = (body: Buffer) => decodeWhole((r) => decodeInitProducerIdRequest(version, r), body);

  it('decodes the idempotent-producer request kafkajs sends (null transactional id)', async () => {
    const body = await kafkajsRequestBody('initProducerId', version, { transactionalId: null, transactionTimeout: 60_000 });
    expect(decode(body)).toEqual({ transactionalId: null, transactionTimeoutMs: 60_000 });
  });

  it('decodes a transactional request', async () => {
    const body = await kafkajsRequestBody('initProducerId', version, { transactionalId: 'tx-1', transactionTimeout: 30_000 });
    expect(decode(body)).toEqual({ transactionalId: 'tx-1', transactionTimeoutMs: 30_000 });
  });

  it('throws on every truncation of the request', async () => {
    const body = await kafkajsRequestBody('initProducerId', version, { transactionalId: 'tx-1', transactionTimeout: 1 });
    expectTruncationsToThrow((r) => decodeInitProducerIdRequest(version, r), body);
  });

  it('encodes a response kafkajs decodes', async () => {
    const body = encodeInitProducerIdResponse(version, {
      throttleTimeMs: 1,
      errorCode: 0,
      producerId: 9_007_199_254_740_993n,
      producerEpoch: 2,
    });
    const decoded = await kafkajsResponse('initProducerId', version).decode(body);
    expect(decoded).toMatchObject({ errorCode: 0, producerId: '9007199254740993', producerEpoch: 2 });
    expect(throttleOf(decoded)).toBe(1);
  });

  it('encodes an error response kafkajs raises', async () => {
    const req = decode(await kafkajsRequestBody('initProducerId', version, { transactionalId: null, transactionTimeout: 1 }));
    const kafkajs = kafkajsResponse('initProducerId', version);
    const decoded = await kafkajs.decode(encodeInitProducerIdResponse(version, initProducerIdErrorResponse(version, req, ErrorCode.COORDINATOR_NOT_AVAILABLE)));
    expect(decoded).toMatchObject({ errorCode: 15, producerId: '-1', producerEpoch: -1 });
    await expect(kafkajs.parse(decoded)).rejects.toMatchObject({ type: 'GROUP_COORDINATOR_NOT_AVAILABLE' });
  });
});
