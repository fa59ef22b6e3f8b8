import rateLimit, { type errorResponseBuilderContext } from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { HttpError } from '@orders-dwh/shared/http';

export interface PushRateLimitOptions {
  /** Requests one client may make per window; 0 turns the limit off. */
  max: number;
  windowMs: number;
}

/**
 * @fastify/rate-limit on the app, per client address, limiting nothing by itself: a route puts
 * `app.rateLimit()` first among its onRequest hooks, so refused requests (a wrong API key) count too.
 * Returns whether it registered (PUSH_RATE_LIMIT_MAX=0 turns it off). A client over the limit gets
 * 429 with Retry-After and a sentence. Counters are kept in memory, per source instance: a count in
 * Redis would add a round trip to every push and, while Redis is down, its command timeout before
 * the push's own 503.
 */
export function registerPushRateLimit(app: FastifyInstance, options: PushRateLimitOptions): boolean {
  if (options.max === 0) return false;
  app.register(rateLimit, {
    global: false,
    max: options.max,
    timeWindow: options.windowMs,
    errorResponseBuilder: (_request, context: errorResponseBuilderContext) =>
      new HttpError(
        429,
        'rate_limited',
        `Too many requests from this client: at most ${context.max} per ${seconds(options.windowMs)}; retry in ${seconds(context.ttl)}.`,
      ),
  });
  return true;
}

function seconds(ms: number): string {
  const s = Math.max(1, Math.ceil(ms / 1000));
  return s === 1 ? '1 second' : `${s} seconds`;
}
