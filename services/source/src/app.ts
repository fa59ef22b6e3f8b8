import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { Config } from '@orders-dwh/shared/config';
import { createErrorHandler, notFoundHandler } from '@orders-dwh/shared/http';
import { dashboardRoutes, type DashboardOptions } from './dashboard/dashboard-routes.ts';
import type { OrderSink } from './push-orders.ts';
import { describePushBodyError, pushRoute } from './push-route.ts';
import { registerPushRateLimit } from './push-rate-limit.ts';
import type { Random } from './random.ts';

export type { OrderSink } from './push-orders.ts';

export interface SourceAppDeps {
  config: Config;
  redis: Redis;
  db: Pool;
  producer: OrderSink;
  log?: FastifyBaseLogger;
  /** Registers GET /health (the shared health plugin); nothing is registered for it otherwise. */
  health?: (app: FastifyInstance) => void;
  random?: Random;
  now?: () => Date;
  /** Share of orders that end CANCELLED instead of CLOSED (default 0). */
  cancelShare?: number;
  orderEvents?: 'final' | 'lifecycle';
  /** The live dashboard on GET / (left out when not given). */
  dashboard?: DashboardOptions;
}

/** Requests are tiny ({"N": 123}); anything bigger is refused before parsing. */
export const BODY_LIMIT_BYTES = 16 * 1024;

/** The source HTTP app (no listen): POST /push makes N orders and sends them to the stg topic; GET / is the dashboard. */
export function buildApp(deps: SourceAppDeps): FastifyInstance {
  const { config } = deps;
  const app = Fastify({
    ...(deps.log ? { loggerInstance: deps.log } : { logger: false }),
    bodyLimit: BODY_LIMIT_BYTES,
    // Fastify's defaults coerce "5" into 5 and silently drop unknown fields; a bad body must be refused instead.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false } },
  });
  // Only JSON bodies: without this, text/plain would be parsed as a string and fail later with a vaguer message.
  app.removeContentTypeParser('text/plain');
  app.setErrorHandler(createErrorHandler(describePushBodyError(config.push.maxN)));
  app.setNotFoundHandler(notFoundHandler);
  deps.health?.(app);
  const rateLimited = registerPushRateLimit(app, config.push.rateLimit);
  app.register(pushRoute, {
    redis: deps.redis,
    db: deps.db,
    producer: deps.producer,
    keyPrefix: config.redisKeyPrefix,
    maxN: config.push.maxN,
    batchSize: config.push.batchSize,
    apiKey: config.push.apiKey,
    rateLimited,
    random: deps.random ?? Math.random,
    now: deps.now ?? (() => new Date()),
    cancelShare: deps.cancelShare ?? 0,
    orderEvents: deps.orderEvents ?? 'final',
  });
  if (deps.dashboard) app.register(dashboardRoutes, deps.dashboard);
  return app;
}
