import type { OrderEvent } from '@orders-dwh/shared/contracts';

/** Where pushed orders go; `send` resolves once Kafka acknowledged every message (acks = all). */
export interface OrderSink {
  send(messages: Array<{ key: string; value: string }>): Promise<void>;
}

export interface PushOrdersInput {
  count: number;
  batchSize: number;
  allocateIds(count: number): Promise<number[]>;
  /** One or more events for an order id (several in lifecycle mode), in the order they must be sent. */
  eventsFor(orderId: number): OrderEvent[];
  sink: OrderSink;
  /** Checked before each batch: once aborted, the push stops there, failing with the signal's reason. */
  signal?: AbortSignal;
}

/** Why a push was stopped before its end: the client went away, or the source is shutting down. */
export class PushStoppedError extends Error {
  override name = 'PushStoppedError';
  constructor(readonly why: 'client_gone' | 'shutting_down') {
    super(why === 'client_gone' ? 'the client closed the connection' : 'the source is shutting down');
  }
}

/** A push that failed part-way: `pushed` orders were acknowledged before `cause` stopped it. */
export class PushFailedError extends Error {
  override name = 'PushFailedError';
  constructor(
    readonly pushed: number,
    readonly requested: number,
    override readonly cause: unknown,
  ) {
    super(`pushed ${pushed} of ${requested} orders before failing: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/**
 * Makes and sends `count` orders, batch by batch: ids for a batch in one round trip, then one send
 * that is acknowledged before the next batch is made, so at most one batch is ever in memory.
 * Resolves with the number of orders sent.
 */
export async function pushOrders({ count, batchSize, allocateIds, eventsFor, sink, signal }: PushOrdersInput): Promise<number> {
  let pushed = 0;
  try {
    while (pushed < count) {
      signal?.throwIfAborted();
      const ids = await allocateIds(Math.min(batchSize, count - pushed));
      const messages = ids.flatMap((id) => eventsFor(id).map((event) => ({ key: String(id), value: JSON.stringify(event) })));
      await sink.send(messages);
      pushed += ids.length;
    }
  } catch (error) {
    throw new PushFailedError(pushed, count, error);
  }
  return pushed;
}
