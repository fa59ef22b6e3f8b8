import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../../../src/protocol/error-codes.ts';
import { initProducerId } from '../../../src/server/handlers/producer-handlers.ts';
import { makeTestContext, type TestContext } from '../test-context.ts';

let test: TestContext;
afterEach(() => test?.dispose());

describe('initProducerId handler', () => {
  it('gives an idempotent producer a new id each time', () => {
    test = makeTestContext();
    const first = initProducerId(test.ctx, { transactionalId: null, transactionTimeoutMs: 60_000 });
    const second = initProducerId(test.ctx, { transactionalId: null, transactionTimeoutMs: 60_000 });
    expect(first).toMatchObject({ errorCode: 0, producerEpoch: 0 });
    expect(second.producerId).toBe(first.producerId + 1n);
  });

  it('refuses a transactional producer as a Kafka denying its transactional id does', () => {
    test = makeTestContext();
    expect(initProducerId(test.ctx, { transactionalId: 'tx', transactionTimeoutMs: 60_000 })).toEqual({
      throttleTimeMs: 0,
      errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
      producerId: -1n,
      producerEpoch: -1,
    });
  });
});
