// The live dashboard on the source service: the page and its assets (served from this package and
// from node_modules: no CDN), the shared snapshot, the user search and the dead-letter re-drive.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Producer } from 'kafkajs';
import type pg from 'pg';
import type { Redis } from 'ioredis';
import { redriveDeadLetters } from '@orders-dwh/shared/dead-letters';
import { fromRedis, createErrorHandler, HttpError } from '@orders-dwh/shared/http';
import { apiKeyCheck } from '../api-key.ts';
import { referenceKeys } from '@orders-dwh/shared/reference';
import type { DashboardFeed } from './dashboard-feed.ts';
import { LAYERS } from './pipeline-reading.ts';
import { lookUpUser } from './user-lookup.ts';

export interface DashboardOptions {
  feed: DashboardFeed;
  cdmUrl: string;
  pool: pg.Pool;
  redis: Redis;
  keyPrefix: string;
  /** Re-drive sends dead letters back with it. */
  producer: Producer;
  /** When set, the re-drive (like /push) needs it in x-api-key. */
  apiKey: string | null;
}

const publicDir = path.join(import.meta.dirname, '..', '..', 'public');
const fromPackage = (file: string) => createRequire(import.meta.url).resolve(file);
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' } as const;

/** Every file the page loads, by URL: read once at start, served from memory. */
const ASSETS: Record<string, string> = {
  '/': path.join(publicDir, 'index.html'),
  '/dashboard/dashboard.js': path.join(publicDir, 'dashboard.js'),
  '/dashboard/dashboard.css': path.join(publicDir, 'dashboard.css'),
  '/dashboard/vendor/uPlot.esm.js': fromPackage('uplot/dist/uPlot.esm.js'),
  '/dashboard/vendor/uPlot.min.css': fromPackage('uplot/dist/uPlot.min.css'),
};

const redriveBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: { service: { enum: LAYERS } },
} as const;

export async function dashboardRoutes(app: FastifyInstance, options: DashboardOptions): Promise<void> {
  app.setErrorHandler(
    createErrorHandler(() => `The body is a JSON object that may name one service: {"service": "${LAYERS.join('" | "')}"}; an empty object re-drives all.`),
  );

  for (const [url, file] of Object.entries(ASSETS)) {
    const body = readFileSync(file);
    const type = TYPES[path.extname(file) as keyof typeof TYPES];
    app.get(url, { logLevel: 'warn' }, async (_request, reply) => reply.type(type).header('cache-control', 'no-cache').send(body));
  }

  app.get('/dashboard/snapshot', { logLevel: 'warn' }, async (_request, reply) =>
    reply.header('cache-control', 'no-store').send(await options.feed.snapshot()),
  );

  app.get<{ Params: { userId: string } }>('/dashboard/users/:userId', async (request, reply) => {
    const { status, body } = await lookUpUser(options.cdmUrl, request.params.userId);
    return reply.status(status).send(body);
  });

  // A few users of the reference data, to try the search with.
  app.get('/dashboard/sample-users', async () => {
    const users = await fromRedis(options.redis.srandmember(referenceKeys.userIds(options.keyPrefix), 5));
    return { user_ids: users.sort() };
  });

  app.post<{ Body: { service?: (typeof LAYERS)[number] } }>(
    '/dashboard/redrive',
    { schema: { body: redriveBodySchema }, onRequest: options.apiKey ? apiKeyCheck(options.apiKey) : undefined },
    async (request) => {
      const service = request.body?.service ?? null;
      const summary = await redriveDeadLetters(options.pool, options.producer, { service });
      const redriven = summary.sent.length;
      if (summary.error) {
        throw new HttpError(
          503,
          'redrive_failed',
          `Kafka did not take the re-drive (${summary.error.message}); ${redriven} re-driven, ${summary.remaining} still pending.`,
          {
            redriven,
            remaining: summary.remaining,
          },
        );
      }
      const letters = `${redriven} dead letter${redriven === 1 ? '' : 's'}${service ? ` of ${service}` : ''}`;
      return { redriven, remaining: summary.remaining, message: `Sent ${letters} back to their topics; ${summary.remaining} still pending.` };
    },
  );
}
