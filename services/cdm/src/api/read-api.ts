// The cdm service's read API: recommendations, purchase history, counters, also-ordered, and the
// OpenAPI document generated from the routes' schemas (GET /openapi.json).
import swagger from '@fastify/swagger';
import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { createErrorHandler, HttpError, notFoundHandler, refuseOtherMethods } from '@orders-dwh/shared/http';
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
  return description ? mustBe(field, description, given) : `${context} ${field} ${first?.message ?? 'is invalid'}.`;
}

const mustBe = (field: string, description: string, given: unknown) => `${field} must be ${description}; got ${JSON.stringify(given)}.`;

/**
 * The route's query parameters, checked before ajv coerces them: none that the route does not take
 * (Fastify would drop a misspelt ?limt=5 silently), and integers written in decimal digits only
 * (ajv reads them as Number() does: 0x10, 1e1, 2.0 and " " would pass as 16, 10, 2 and 0).
 */
function checkQuery(request: FastifyRequest): void {
  const properties = schemaProperties(request, 'querystring') as Record<string, { type?: string; description?: string }>;
  const query = request.query as Record<string, unknown>;
  const unknown = Object.keys(query).find((name) => !(name in properties));
  if (unknown !== undefined)
    throw new HttpError(400, 'invalid_querystring', `Unknown query parameter ${unknown}; this route takes ${Object.keys(properties).join(', ')}.`);
  for (const [name, { type, description }] of Object.entries(properties)) {
    const value = query[name];
    if (type === 'integer' && value !== undefined && !(typeof value === 'string' && /^[0-9]{1,15}$/.test(value)))
      throw new HttpError(400, 'invalid_querystring', mustBe(name, description ?? 'an integer', value));
  }
}

/** User and product ids as the warehouse holds them (lower-case hex), whatever case the URL used. */
function canonicalIds(request: FastifyRequest): void {
  const params = request.params as Record<string, unknown>;
  for (const name of ['userId', 'productId']) {
    const value = params[name];
    if (typeof value === 'string') params[name] = value.toLowerCase();
  }
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
    api.addHook('preValidation', async (request) => checkQuery(request));
    api.addHook('preHandler', async (request) => canonicalIds(request));
    const readUrls: string[] = [];
    api.addHook('onRoute', (route) => {
      if (route.method === 'GET') readUrls.push(route.url);
    });
    const context = createReadContext(db);
    recommendationsRoute(api, context);
    ordersRoute(api, context);
    countersRoute(api, context);
    alsoOrderedRoute(api, context);
    for (const url of readUrls) refuseOtherMethods(api, url, ['GET', 'HEAD']);
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
