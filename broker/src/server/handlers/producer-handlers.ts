import type { InitProducerIdRequest, InitProducerIdResponse } from '../../protocol/apis/init-producer-id.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { BrokerContext } from '../broker-context.ts';

/**
 * This broker has no transaction coordinator. It answers a transactional client as a Kafka whose
 * ACLs deny it every transactional id does: a fatal error every client understands
 * (TransactionalIdAuthorizationException in Java), at its first step, not after its first send.
 */
export const TRANSACTIONS_UNSUPPORTED = {
  errorCode: ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED,
  message: 'The development broker does not support transactions.',
} as const;

/** A new id for an idempotent producer; a transactional one is refused. */
export function initProducerId(ctx: BrokerContext, req: InitProducerIdRequest): InitProducerIdResponse {
  if (req.transactionalId !== null) {
    return { throttleTimeMs: 0, errorCode: TRANSACTIONS_UNSUPPORTED.errorCode, producerId: -1n, producerEpoch: -1 };
  }
  const { producerId, producerEpoch } = ctx.producerIds.next();
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch };
}
