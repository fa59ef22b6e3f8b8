import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type { Pool } from 'pg';
import type { Redis } from 'ioredis';
import { DependencyUnavailableError, reasonOf, HttpError, refuseOtherMethods } from '@orders-dwh/shared/http';
import { apiKeyCheck } from './api-key.ts';
import { allocateOrderIds } from './order-ids.ts';
import { createOrderGenerator, EmptyReferenceError, lifecycleEvents } from './order-generator.ts';
import { pushOrders, PushFailedError, PushStoppedError, type OrderSink } from './push-orders.ts';
import type { Random } from './random.ts';
import { readRestaurants, readUserIds } from './reference-store.ts';

export interface PushRouteOptions {
  redis: Redis;
  db: Pool;
  producer: OrderSink;
  keyPrefix: string;
  maxN: number;
  batchSize: number;
  apiKey: string | null;
  /** Whether the app registered the push rate limit (registerPushRateLimit). */
  rateLimited: boolean;
  random: Random;
  now: () => Date;
  cancelShare: number;
  /** `final`: one event per order with all its statuses; `lifecycle`: one event per status reached. */
  orderEvents: 'final' | 'lifecycle';
}

export function pushBodySchema(maxN: number) {
  return {
    type: 'object',
    required: ['N'],
    additionalProperties: false,
    properties: { N: { type: 'integer', minimum: 1, maximum: maxN } },
  } as const;
}

export async function pushRoute(app: FastifyInstance, options: PushRouteOptions): Promise<void> {
  const { db, producer, maxN, batchSize } = options;
  // A push of a million orders takes minutes: on close (SIGTERM) each one in flight stops after
  // its current batch and answers 503 with what was pushed, so that shutdown is not held for it.
  const inFlight = new Set<AbortController>();
  app.addHook('preClose', async () => {
    for (const push of inFlight) push.abort(new PushStoppedError('shutting_down'));
  });

  app.post<{ Body: { N: number } }>(
    '/push',
    {
      schema: { body: pushBodySchema(maxN) },
      // The limit first: a guessed key is counted as well.
      onRequest: [...(options.rateLimited ? [app.rateLimit()] : []), ...(options.apiKey ? [apiKeyCheck(options.apiKey)] : [])],
    },
    async (request, reply) => {
      const count = request.body.N;
      const generate = await orderGenerator(options);
      const eventsFor = options.orderEvents === 'lifecycle' ? (id: number) => lifecycleEvents(generate(id)) : (id: number) => [generate(id)];
      const push = new AbortController();
      // The connection closed before the answer was sent: the client is gone, nothing more is made for it.
      const onClose = () => {
        if (!reply.raw.writableFinished) push.abort(new PushStoppedError('client_gone'));
      };
      reply.raw.once('close', onClose);
      inFlight.add(push);
      try {
        const pushed = await pushOrders({ count, batchSize, allocateIds: (n) => allocateOrderIds(db, n), eventsFor, sink: producer, signal: push.signal });
        return { status: 'success', messages_pushed: pushed };
      } catch (error) {
        if (!(error instanceof PushFailedError)) throw error;
        if (error.cause instanceof PushStoppedError) {
          const { why, message } = error.cause;
          request.log.warn({ pushed: error.pushed, requested: count }, `push stopped: ${message}`);
          // Read only when shutting down: a client that went away gets no answer.
          throw new HttpError(503, why, `Stopped because ${message}: ${error.pushed} of ${count} orders were pushed; retry the rest.`, {
            messages_pushed: error.pushed,
          });
        }
        if (error.cause instanceof DependencyUnavailableError && error.cause.dependency === 'postgres') {
          const pushed = error.pushed === 0 ? 'nothing was pushed' : `only ${error.pushed} of ${count} orders were pushed`;
          throw Object.assign(
            new HttpError(503, 'postgres_unavailable', `Postgres (order ids) is not reachable: ${reasonOf(error.cause.cause)}; ${pushed}, retry later.`, {
              messages_pushed: error.pushed,
            }),
            { cause: error.cause },
          );
        }
        throw Object.assign(
          new HttpError(503, 'push_failed', `Only ${error.pushed} of ${count} orders were pushed before a failure; retry the rest.`, {
            messages_pushed: error.pushed,
          }),
          { cause: error.cause },
        );
      } finally {
        inFlight.delete(push);
        reply.raw.off('close', onClose);
      }
    },
  );

  refuseOtherMethods(app, '/push', ['POST']);
}

/** A generator over the reference data in Redis now; 503 when Redis is unreachable or holds none. */
async function orderGenerator({ redis, keyPrefix, random, now, cancelShare }: PushRouteOptions) {
  let userIds: string[];
  let restaurants: Awaited<ReturnType<typeof readRestaurants>>;
  try {
    [userIds, restaurants] = await Promise.all([readUserIds(redis, keyPrefix), readRestaurants(redis, keyPrefix)]);
  } catch (error) {
    if (!(error instanceof DependencyUnavailableError)) throw error;
    throw Object.assign(new HttpError(503, 'redis_unavailable', `Redis (reference data) is not reachable: ${reasonOf(error.cause)}; retry later.`), {
      cause: error,
    });
  }
  try {
    return createOrderGenerator({ random, now, cancelShare, reference: { userIds, restaurants } });
  } catch (error) {
    if (error instanceof EmptyReferenceError) {
      throw new HttpError(503, 'reference_data_missing', 'No reference data (users, restaurants) is loaded in Redis yet.');
    }
    throw error;
  }
}

/** One sentence saying what is wrong with a /push body, from the schema error Fastify reports. */
export function describePushBodyError(maxN: number) {
  const expected = `N must be an integer from 1 to ${maxN}`;
  return (error: FastifyError, request: FastifyRequest): string => {
    const first = error.validation?.[0];
    const body = request.body as Record<string, unknown> | undefined;
    if (!first || (first.instancePath === '' && first.keyword === 'type')) {
      return `The body must be a JSON object such as {"N": 10}; ${expected}.`;
    }
    if (first.keyword === 'required') return `N is missing: send {"N": <integer>}; ${expected}.`;
    if (first.keyword === 'additionalProperties') {
      const field = String((first.params as { additionalProperty?: unknown }).additionalProperty);
      return `Unknown field "${field}": the body takes only N.`;
    }
    return `${expected}, got ${describeValue(body?.N)}.`;
  };
}

function describeValue(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return 'a number out of range';
  return JSON.stringify(value) ?? 'nothing';
}
