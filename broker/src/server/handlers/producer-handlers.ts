import type { InitProducerIdResponse } from '../../protocol/apis/init-producer-id.ts';
import { ErrorCode } from '../../protocol/error-codes.ts';
import type { BrokerContext } from '../broker-context.ts';

/** A new id for an idempotent producer (transactions are not supported by this broker). */
export function initProducerId(ctx: BrokerContext): InitProducerIdResponse {
  const { producerId, producerEpoch } = ctx.producerIds.next();
  return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, producerId, producerEpoch };
}
