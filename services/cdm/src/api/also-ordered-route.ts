import type { FastifyInstance } from 'fastify';
import { fromPostgres } from '@orders-dwh/shared/http';
import { hubHashKey } from '@orders-dwh/shared/vault';
import { businessIdSchema, limitSchema } from './business-ids.ts';
import { errorResponses, notFound } from './not-found.ts';
import { round4 } from './scoring.ts';
import { productWith, type ReadContext } from './product-details.ts';

const ALSO_ORDERED = `
  SELECT EXISTS (SELECT 1 FROM dds.h_product WHERE h_product_pk = $1) AS known,
    (SELECT order_cnt FROM cdm.product_counters WHERE product_id = $1) AS orders,
    (SELECT coalesce(json_agg(json_build_object('key', other_product_id, 'orders', order_cnt) ORDER BY order_cnt DESC, other_product_id), '[]'::json)
       FROM (SELECT other_product_id, order_cnt FROM cdm.product_pair_counters WHERE product_id = $1
             ORDER BY order_cnt DESC, other_product_id LIMIT $2) p) AS others`;

export function alsoOrderedRoute(app: FastifyInstance, { db, products }: ReadContext): void {
  app.get<{ Params: { productId: string }; Querystring: { limit: number } }>(
    '/products/:productId/also-ordered',
    {
      schema: {
        summary: 'Products most often in the same CLOSED orders as this one',
        tags: ['recommendations'],
        params: { type: 'object', required: ['productId'], properties: { productId: businessIdSchema('product') } },
        querystring: { type: 'object', additionalProperties: false, properties: { limit: limitSchema(10, 50) } },
        response: {
          200: {
            type: 'object',
            required: ['product', 'also_ordered'],
            properties: {
              product: productWith({ orders: { type: 'integer', description: 'CLOSED orders holding it' } }),
              also_ordered: {
                type: 'array',
                items: productWith({
                  orders_together: { type: 'integer', description: 'CLOSED orders holding both' },
                  share: { type: 'number', description: 'orders_together / the product’s orders' },
                }),
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { productId } = request.params;
      const key = hubHashKey(productId);
      type Row = { known: boolean; orders: number | null; others: Array<{ key: string; orders: number }> };
      const row = (await fromPostgres(db.query<Row>({ name: 'cdm_api_also_ordered', text: ALSO_ORDERED, values: [key, request.query.limit] }))).rows[0]!;
      if (!row.known) throw notFound(`There is no product ${productId}.`);
      const details = await fromPostgres(products.get([key, ...row.others.map((o) => o.key)]));
      const orders = row.orders ?? 0;
      return {
        product: { ...details.get(key)!, orders },
        also_ordered: row.others.flatMap((other) => {
          const product = details.get(other.key);
          return product ? [{ ...product, orders_together: other.orders, share: orders > 0 ? round4(other.orders / orders) : 0 }] : [];
        }),
      };
    },
  );
}
