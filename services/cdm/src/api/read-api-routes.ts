import type { FastifyPluginAsync } from 'fastify';
import { createPool } from '@orders-dwh/shared/clients';
import type { Config } from '@orders-dwh/shared/config';
import type { Logger } from '@orders-dwh/shared/logging';
import { registerReadApi } from './read-api.ts';

/** Reads answer in milliseconds; one that takes seconds is cancelled rather than held. */
const READ_TIMEOUTS = { queryTimeoutMs: 5_000, statementTimeoutMs: 4_000, idleInTransactionTimeoutMs: 10_000 };
const READ_POOL_SIZE = 4;

/** The read API with a pool of its own, so that reads never wait behind the stage's batches. */
export function readApiRoutes(config: Config, log: Logger): FastifyPluginAsync {
  return async (app) => {
    const pool = createPool(config.databaseUrl, log, READ_POOL_SIZE, READ_TIMEOUTS);
    app.addHook('onClose', () => pool.end());
    await registerReadApi(app, pool);
  };
}
