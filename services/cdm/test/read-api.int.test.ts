import Fastify, { type FastifyInstance } from 'fastify';
import type pg from 'pg';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClosedOrder } from '@orders-dwh/shared/contracts';
import { ddsStage } from '../../dds/src/dds-stage.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { runBatch } from '../../../test/support/run-batch.ts';
import { registerReadApi } from '../src/api/read-api.ts';
import { cdmStage } from '../src/cdm-stage.ts';
import { inBatches } from './order-stream.ts';
import {
  coldUser,
  datamarts,
  expectedAlsoOrdered,
  expectedCounters,
  expectedRecommendations,
  historyOf,
  productById,
  readApiWarehouse,
  unknownUser,
  userIds,
  type Datamarts,
  type PushedOrder,
} from './read-api-fixture.ts';

let db: TestDatabase;
let app: FastifyInstance;
let orders: PushedOrder[];
let marts: Datamarts;

beforeAll(async () => {
  db = await createTestDatabase();
  const warehouse = readApiWarehouse(20251201, 240);
  orders = warehouse.orders;
  marts = datamarts(orders);
  const messages: ClosedOrder[] = [];
  for (const batch of inBatches(warehouse.events, 50)) messages.push(...(await runBatch(db.pool, ddsStage, batch)).map((m) => m.value as ClosedOrder));
  for (const batch of inBatches(messages, 17)) await runBatch(db.pool, cdmStage, batch);
  app = Fastify();
  await registerReadApi(app, db.pool);
  await app.ready();
});
afterAll(async () => {
  await app?.close();
  await db?.drop();
});

const get = async (url: string) => {
  const response = await app.inject({ method: 'GET', url });
  return { status: response.statusCode, body: response.json() };
};
const activeUsers = userIds.slice(0, 7);
const detailsOf = (id: string) => {
  const product = productById.get(id)!;
  return {
    product_id: id,
    name: product.name,
    category: product.category,
    restaurant: { restaurant_id: product.restaurant.id, name: product.restaurant.name },
    price: product.price,
  };
};

describe('GET /users/:userId/recommendations', () => {
  it.each(activeUsers.map((u, i) => [i + 1, u] as const))('user %i: the scores, reasons and order of the README, with product details', async (_, user) => {
    const { status, body } = await get(`/users/${user}/recommendations?limit=12`);
    expect(status).toBe(200);
    const expected = expectedRecommendations(marts, user, 12);
    expect(body.user_id).toBe(user);
    expect(body.recommendations).toEqual(expected.map((r) => ({ ...detailsOf(r.product_id), score: r.score, reason: r.reason, order_again: r.order_again })));
    expect(body.recommendations).toHaveLength(12);
  });

  it('gives a user with no CLOSED order the most popular products', async () => {
    const { status, body } = await get(`/users/${coldUser}/recommendations`);
    expect(status).toBe(200);
    const popular = [...marts.totals]
      .sort(([, x], [, y]) => y - x)
      .slice(0, 3)
      .map(([p]) => p);
    expect(body.recommendations).toHaveLength(10);
    expect(body.recommendations.every((r: { reason: string; order_again: boolean }) => r.reason === 'popular with everyone' && !r.order_again)).toBe(true);
    expect(body.recommendations.map((r: { product_id: string }) => r.product_id)).toEqual(
      expectedRecommendations(marts, coldUser, 10).map((r) => r.product_id),
    );
    expect(popular).toContain(body.recommendations[0].product_id);
  });

  it('reads ids in either case, and answers with them as the warehouse holds them', async () => {
    const lower = await get(`/users/${activeUsers[0]}/recommendations?limit=3`);
    const upper = await get(`/users/${activeUsers[0]!.toUpperCase()}/recommendations?limit=3`);
    expect(upper).toEqual(lower);
    expect(upper.body.user_id).toBe(activeUsers[0]);
    const product = [...productById.keys()][0]!;
    const counters = await get(`/users/${activeUsers[0]!.toUpperCase()}/counters`);
    expect(counters.body.user_id).toBe(activeUsers[0]);
    expect((await get(`/products/${product.toUpperCase()}/also-ordered`)).body.product.product_id).toBe(product);
    expect((await get(`/users/${unknownUser.toUpperCase()}/orders`)).body.message).toBe(`There is no user ${unknownUser}.`);
  });
});

describe('GET /users/:userId/orders', () => {
  it.each([1, 4, 7, 20, 100])('walks the whole history newest first in pages of %i, none skipped or repeated', async (limit) => {
    for (const user of [activeUsers[0]!, activeUsers[3]!, coldUser]) {
      const pages: unknown[][] = [];
      let url = `/users/${user}/orders?limit=${limit}`;
      for (;;) {
        const { status, body } = await get(url);
        expect(status).toBe(200);
        pages.push(body.orders);
        if (body.next_before === null) break;
        expect(body.orders).toHaveLength(limit);
        url = `/users/${user}/orders?limit=${limit}&before=${body.next_before}`;
      }
      const expected = historyOf(orders, user).map((o) => ({
        order_id: o.id,
        date: o.date,
        restaurant: { restaurant_id: o.restaurant, name: `Restaurant ${Number.parseInt(o.restaurant, 16) - 0xaa0}` },
        status: o.statuses.at(-1)!.status,
        status_history: o.statuses,
        cost: o.cost,
        payment: o.payment,
        items: o.items,
      }));
      expect(pages.flat()).toEqual(expected);
      expect(pages.length).toBe(Math.max(1, Math.ceil(expected.length / limit)));
    }
  });

  it('answers 404 for a before= that is not an order of this user', async () => {
    const other = orders.find((o) => o.user !== activeUsers[0])!;
    for (const before of [other.id, 999_999]) {
      const { status, body } = await get(`/users/${activeUsers[0]}/orders?before=${before}`);
      expect(status).toBe(404);
      expect(body.message).toBe(`User ${activeUsers[0]} has no order ${before}.`);
    }
  });
});

describe('GET /users/:userId/counters', () => {
  it.each([1, 3, 100])('gives the top categories and products, at most limit=%i of each', async (limit) => {
    for (const user of [...activeUsers, coldUser]) {
      const { status, body } = await get(`/users/${user}/counters?limit=${limit}`);
      expect(status).toBe(200);
      const expected = expectedCounters(marts, user, limit);
      expect(body.categories).toEqual(expected.categories);
      expect(body.products).toEqual(expected.products.map((p) => ({ ...detailsOf(p.product_id), orders: p.orders })));
    }
  });
});

describe('GET /products/:productId/also-ordered', () => {
  it('gives, for every product, the products most often in the same CLOSED orders', async () => {
    for (const product of productById.keys()) {
      const { status, body } = await get(`/products/${product}/also-ordered?limit=4`);
      expect(status).toBe(200);
      expect(body.product).toEqual({ ...detailsOf(product), orders: marts.totals.get(product) ?? 0 });
      expect(body.also_ordered).toEqual(
        expectedAlsoOrdered(marts, product, 4).map((o) => ({ ...detailsOf(o.product_id), orders_together: o.orders_together, share: o.share })),
      );
    }
  });
});

describe('bad input', () => {
  const user = userIds[0]!;
  const product = [...productById.keys()][0]!;
  it.each([
    [`/users/xyz/recommendations`, 'invalid_params', 'userId must be a user id: 24 hexadecimal characters; got "xyz".'],
    [`/users/${user}0/counters`, 'invalid_params', `userId must be a user id: 24 hexadecimal characters; got "${user}0".`],
    [`/users/${user.slice(1)}g/orders`, 'invalid_params', `userId must be a user id: 24 hexadecimal characters; got "${user.slice(1)}g".`],
    [`/products/${product.slice(2)}/also-ordered`, 'invalid_params', `productId must be a product id: 24 hexadecimal characters; got "${product.slice(2)}".`],
    [`/users/${user}/recommendations?limit=0`, 'invalid_querystring', 'limit must be an integer from 1 to 50; got 0.'],
    [`/users/${user}/recommendations?limit=51`, 'invalid_querystring', 'limit must be an integer from 1 to 50; got 51.'],
    [`/users/${user}/orders?limit=abc`, 'invalid_querystring', 'limit must be an integer from 1 to 100; got "abc".'],
    [`/users/${user}/orders?limit=1.5`, 'invalid_querystring', 'limit must be an integer from 1 to 100; got "1.5".'],
    [`/users/${user}/orders?limit=0x2`, 'invalid_querystring', 'limit must be an integer from 1 to 100; got "0x2".'],
    [`/users/${user}/orders?limit=1e1`, 'invalid_querystring', 'limit must be an integer from 1 to 100; got "1e1".'],
    [`/users/${user}/counters?limit=2.0`, 'invalid_querystring', 'limit must be an integer from 1 to 100; got "2.0".'],
    [`/users/${user}/recommendations?limit=%20`, 'invalid_querystring', 'limit must be an integer from 1 to 50; got " ".'],
    [`/products/${product}/also-ordered?limit=`, 'invalid_querystring', 'limit must be an integer from 1 to 50; got "".'],
    [`/users/${user}/recommendations?limit=1&limit=2`, 'invalid_querystring', 'limit must be an integer from 1 to 50; got ["1","2"].'],
    [`/users/${user}/orders?before=abc`, 'invalid_querystring', 'before must be an order id: a positive integer; got "abc".'],
    [`/users/${user}/orders?before=0`, 'invalid_querystring', 'before must be an order id: a positive integer; got "0".'],
    [`/users/${user}/counters?top=3`, 'invalid_querystring', 'Unknown query parameter top; this route takes limit.'],
    [`/users/${user}/orders?limit=5&limt=3`, 'invalid_querystring', 'Unknown query parameter limt; this route takes limit, before.'],
  ])('GET %s → 400 %s', async (url, error, message) => {
    expect(await get(url)).toEqual({ status: 400, body: { error, message } });
  });

  it.each([
    [`/users/${unknownUser}/recommendations`, `There is no user ${unknownUser}.`],
    [`/users/${unknownUser}/orders`, `There is no user ${unknownUser}.`],
    [`/users/${unknownUser}/orders?before=1`, `There is no user ${unknownUser}.`],
    [`/users/${unknownUser}/counters`, `There is no user ${unknownUser}.`],
    [`/products/${'f'.repeat(24)}/also-ordered`, `There is no product ${'f'.repeat(24)}.`],
  ])('GET %s → 404', async (url, message) => {
    expect(await get(url)).toEqual({ status: 404, body: { error: 'not_found', message } });
  });

  it.each(['POST', 'PUT', 'PATCH', 'DELETE'])('%s on a read route → 405 naming GET and HEAD', async (method) => {
    for (const url of [`/users/${user}/recommendations`, `/users/${user}/orders?limit=2`, `/users/${user}/counters`, `/products/${product}/also-ordered`]) {
      const response = await app.inject({ method: method as 'POST', url, payload: { limit: 1 } });
      expect(response.statusCode, url).toBe(405);
      expect(response.headers.allow).toBe('GET, HEAD');
      expect(response.json()).toEqual({ error: 'method_not_allowed', message: `${url.split('?')[0]} accepts only GET or HEAD, not ${method}.` });
    }
    expect((await app.inject({ method: 'HEAD', url: `/users/${user}/counters` })).statusCode).toBe(200);
  });

  it('never answers 500 to any path segment or query value', async () => {
    const segment = fc.oneof(fc.string({ maxLength: 40 }), fc.stringMatching(/^[0-9a-fA-F]{20,28}$/), fc.constantFrom(user, unknownUser, product));
    const value = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.integer({ min: -5, max: 200 }).map(String),
      fc.constantFrom('1e3', '0x10', '', ' 5', '9'.repeat(30)),
    );
    const route = fc.constantFrom('/users/%/recommendations', '/users/%/orders', '/users/%/counters', '/products/%/also-ordered');
    const name = fc.constantFrom('limit', 'before', 'limit', 'x');
    await fc.assert(
      fc.asyncProperty(route, segment, fc.array(fc.tuple(name, value), { maxLength: 3 }), async (path, id, query) => {
        const qs = query.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
        const response = await app.inject({ method: 'GET', url: `${path.replace('%', encodeURIComponent(id))}${qs ? `?${qs}` : ''}` });
        expect([200, 400, 404]).toContain(response.statusCode);
        if (response.statusCode !== 200) expect(response.json().message).toMatch(/\.$/);
      }),
      { numRuns: 300, seed: 20251201 },
    );
  });
});

describe('GET /openapi.json', () => {
  it('documents every route with its parameters and answers, from the route schemas', async () => {
    const { status, body } = await get('/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    expect(Object.keys(body.paths).sort()).toEqual([
      '/products/{productId}/also-ordered',
      '/users/{userId}/counters',
      '/users/{userId}/orders',
      '/users/{userId}/recommendations',
    ]);
    const orders = body.paths['/users/{userId}/orders'].get;
    expect(orders.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`).sort()).toEqual(['path:userId', 'query:before', 'query:limit']);
    expect(Object.keys(orders.responses).sort()).toEqual(['200', '400', '404', '503']);
  });
});

describe('query plans', () => {
  /** Every node of an EXPLAIN (FORMAT JSON) plan. */
  const nodes = (plan: Record<string, unknown>): Array<Record<string, unknown>> => [
    plan,
    ...((plan.Plans as Array<Record<string, unknown>> | undefined) ?? []).flatMap(nodes),
  ];

  it('every statement of every route reads through indexes: no sequential scan but of the catalog-sized product_counters', async () => {
    // The routes' own statements, recorded as they run, then explained with the planner told to
    // avoid sequential scans: a table without a usable index is scanned sequentially all the same.
    const statements = new Map<string, unknown[]>();
    const recording = new Proxy(db.pool, {
      get(target, property) {
        if (property !== 'query') return Reflect.get(target, property);
        return (config: pg.QueryConfig) => {
          statements.set(config.text, config.values ?? []);
          return target.query(config);
        };
      },
    });
    const explained = Fastify();
    await registerReadApi(explained, recording);
    const user = activeUsers[2]!;
    const page = (await explained.inject({ method: 'GET', url: `/users/${user}/orders?limit=3` })).json();
    for (const url of [
      `/users/${user}/recommendations`,
      `/users/${user}/orders?limit=3&before=${page.next_before}`,
      `/users/${user}/counters`,
      `/products/${[...productById.keys()][3]}/also-ordered`,
    ]) {
      expect((await explained.inject({ method: 'GET', url })).statusCode).toBe(200);
    }
    await explained.close();
    expect(statements.size).toBeGreaterThanOrEqual(8);

    const client = await db.pool.connect();
    try {
      await client.query('SET enable_seqscan = off');
      for (const [text, values] of statements) {
        const { rows } = await client.query(`EXPLAIN (FORMAT JSON) ${text}`, values);
        const scans = nodes(rows[0]['QUERY PLAN'][0].Plan).filter((node) => node['Node Type'] === 'Seq Scan');
        // Popularity sums over the catalog (a row per product, not per order): the one full read allowed.
        expect(
          scans.map((node) => node['Relation Name']).filter((table) => table !== 'product_counters'),
          text,
        ).toEqual([]);
      }
    } finally {
      await client.query('RESET enable_seqscan');
      client.release();
    }
  });
});
