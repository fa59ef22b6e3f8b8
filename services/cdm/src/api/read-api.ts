// The cdm service's read API: recommendations, purchase history, counters, also-ordered, and the
// OpenAPI document generated from the routes' schemas (GET /openapi.json).
import swagger from '@fastify/swagger';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { createErrorHandler, HttpError, notFoundHandler } from '@orders-dwh/shared/http';
import { alsoOrderedRoute } from './also-ordered-route.ts';
import { countersRoute } from './counters-route.ts';
import { ordersRoute } from './orders-route.ts';
import { createReadContext } from './product-details.ts';
import { recommendationsRoute } from './recommendations-route.ts';

/** "limit must be an integer from 1 to 50; got 0." — from the failing field's own schema description. */
export function describeReadError(error: FastifyError, request: FastifyRequest): string {
  const first = error.validation?.[0];
  const context = (error.validationContext ?? 'querystring') as 'params' | 'querystring';
  const field = first?.instancePath.split('/')[1] ?? '';
  const description = (schemaProperties(request, context)[field] as { description?: string } | undefined)?.description;
  const given = (request[context === 'params' ? 'params' : 'query'] as Record<string, unknown>)[field];
  return description ? `${field} must be ${description}; got ${JSON.stringify(given)}.` : `${context} ${field} ${first?.message ?? 'is invalid'}.`;
}

function schemaProperties(request: FastifyRequest, context: 'params' | 'querystring'): Record<string, unknown> {
  const schema = request.routeOptions.schema?.[context] as { properties?: Record<string, unknown> } | undefined;
  return schema?.properties ?? {};
}

/** Registers the read API on the app; `db` is the pool its reads use (not the stage's). */
export async function registerReadApi(app: FastifyInstance, db: pg.Pool): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'orders-dwh-pipeline read API (cdm)',
        description:
          'Recommendations and purchase history from the warehouse. Ids are the business ids users know: 24-hex user and product ids, integer order ids.',
        version: '1.0.0',
      },
    },
  });
  await app.register(async (api) => {
    api.setErrorHandler(createErrorHandler(describeReadError));
    api.setNotFoundHandler(notFoundHandler);
    // Fastify drops unknown query parameters silently; a misspelt one (?limt=5) is refused instead.
    api.addHook('preValidation', async (request) => {
      const allowed = Object.keys(schemaProperties(request, 'querystring'));
      const unknown = Object.keys(request.query as object).find((name) => !allowed.includes(name));
      if (unknown !== undefined) throw new HttpError(400, 'invalid_querystring', `Unknown query parameter ${unknown}; this route takes ${allowed.join(', ')}.`);
    });
    const context = createReadContext(db);
    recommendationsRoute(api, context);
    ordersRoute(api, context);
    countersRoute(api, context);
    alsoOrderedRoute(api, context);
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
