import type { FastifyInstance } from 'fastify';
import { fromPostgres } from '@orders-dwh/shared/http';
import { hubHashKey } from '@orders-dwh/shared/vault';
import { limitSchema, userParamsSchema } from './business-ids.ts';
import { errorResponses, notFound } from './not-found.ts';
import { productWith, type ReadContext } from './product-details.ts';

const COUNTERS = `
  SELECT EXISTS (SELECT 1 FROM dds.h_user WHERE h_user_pk = $1) AS known,
    (SELECT coalesce(json_agg(json_build_object('category', category_name, 'orders', order_cnt) ORDER BY order_cnt DESC, category_name), '[]'::json)
       FROM (SELECT category_name, order_cnt FROM cdm.user_category_counters WHERE user_id = $1 ORDER BY order_cnt DESC, category_name LIMIT $2) c) AS categories,
    (SELECT coalesce(json_agg(json_build_object('key', product_id, 'orders', order_cnt) ORDER BY order_cnt DESC, product_id), '[]'::json)
       FROM (SELECT product_id, order_cnt FROM cdm.user_product_counters WHERE user_id = $1 ORDER BY order_cnt DESC, product_id LIMIT $2) p) AS products`;

export function countersRoute(app: FastifyInstance, { db, products }: ReadContext): void {
  app.get<{ Params: { userId: string }; Querystring: { limit: number } }>(
    '/users/:userId/counters',
    {
      schema: {
        summary: "The user's top categories and products: CLOSED orders holding each (cdm datamarts)",
        tags: ['counters'],
        params: userParamsSchema,
        querystring: { type: 'object', additionalProperties: false, properties: { limit: limitSchema(10, 100) } },
        response: {
          200: {
            type: 'object',
            required: ['user_id', 'categories', 'products'],
            properties: {
              user_id: { type: 'string' },
              categories: {
                type: 'array',
                items: { type: 'object', required: ['category', 'orders'], properties: { category: { type: 'string' }, orders: { type: 'integer' } } },
              },
              products: {
                type: 'array',
                items: productWith({ orders: { type: 'integer' } }),
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { userId } = request.params;
      type Row = { known: boolean; categories: Array<{ category: string; orders: number }>; products: Array<{ key: string; orders: number }> };
      const row = (await fromPostgres(db.query<Row>({ name: 'cdm_api_counters', text: COUNTERS, values: [hubHashKey(userId), request.query.limit] }))).rows[0]!;
      if (!row.known) throw notFound(`There is no user ${userId}.`);
      const details = await fromPostgres(products.get(row.products.map((p) => p.key)));
      return {
        user_id: userId,
        categories: row.categories,
        products: row.products.flatMap((p) => {
          const product = details.get(p.key);
          return product ? [{ ...product, orders: p.orders }] : [];
        }),
      };
    },
  );
}
