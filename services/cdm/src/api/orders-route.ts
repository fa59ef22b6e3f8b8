import type { FastifyInstance } from 'fastify';
import { fromPostgres } from '@orders-dwh/shared/http';
import { hubHashKey, linkHashKey } from '@orders-dwh/shared/vault';
import { limitSchema, orderIdSchema, userParamsSchema } from './business-ids.ts';
import { errorResponses, notFound } from './not-found.ts';
import type { ReadContext } from './product-details.ts';

// A page of the user's orders, newest first, read from l_order_user_by_user (h_user_pk, order_dt,
// h_order_pk) backwards; the cursor is the last order of the previous page, ties broken by hub key.
// Names of products and restaurants come from the catalog caches; the rest is the order's own.
const page = (after: boolean) => `
  WITH page AS (
    SELECT ou.h_order_pk, ou.order_dt FROM dds.l_order_user ou
    WHERE ou.h_user_pk = $1 ${after ? 'AND (ou.order_dt, ou.h_order_pk) < ($3::timestamptz, $4::uuid)' : ''}
    ORDER BY ou.order_dt DESC, ou.h_order_pk DESC LIMIT $2)
  SELECT o.order_id::text AS order_id, page.order_dt, r.h_restaurant_pk AS restaurant, cost.cost::float8 AS cost, cost.payment::float8 AS payment,
         (SELECT json_agg(json_build_object('status', s.status, 'at', s.load_dt) ORDER BY s.load_dt)
            FROM dds.s_order_status s WHERE s.h_order_pk = page.h_order_pk) AS statuses,
         (SELECT json_agg(json_build_object('product', op.h_product_pk, 'quantity', line.quantity, 'price', line.price))
            FROM dds.l_order_product op
            JOIN LATERAL (SELECT s.quantity, s.price::float8 AS price FROM dds.s_order_product_lines s
                          WHERE s.hk_order_product_pk = op.hk_order_product_pk ORDER BY s.load_dt DESC LIMIT 1) line ON true
            WHERE op.h_order_pk = page.h_order_pk) AS items
  FROM page JOIN dds.h_order o ON o.h_order_pk = page.h_order_pk
  LEFT JOIN LATERAL (SELECT l.h_restaurant_pk FROM dds.l_order_restaurant l WHERE l.h_order_pk = page.h_order_pk LIMIT 1) r ON true
  LEFT JOIN LATERAL (SELECT s.cost, s.payment FROM dds.s_order_cost s WHERE s.h_order_pk = page.h_order_pk ORDER BY s.load_dt DESC LIMIT 1) cost ON true
  ORDER BY page.order_dt DESC, page.h_order_pk DESC`;

interface OrderRow {
  order_id: string;
  order_dt: Date;
  restaurant: string | null;
  cost: number | null;
  payment: number | null;
  statuses: Array<{ status: string; at: string }> | null;
  items: Array<{ product: string; quantity: number; price: number }> | null;
}

const iso = (at: string | Date) => new Date(at).toISOString();

const orderSchema = {
  type: 'object',
  required: ['order_id', 'date', 'restaurant', 'status', 'status_history', 'cost', 'payment', 'items'],
  properties: {
    order_id: { type: 'integer' },
    date: { type: 'string', format: 'date-time' },
    restaurant: { type: 'object', properties: { restaurant_id: { type: 'string' }, name: { type: 'string' } } },
    status: { type: 'string', description: 'the latest status' },
    status_history: {
      type: 'array',
      items: { type: 'object', properties: { status: { type: 'string' }, at: { type: 'string', format: 'date-time' } } },
    },
    cost: { type: 'number' },
    payment: { type: 'number' },
    items: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          product_id: { type: 'string' },
          name: { type: 'string' },
          quantity: { type: 'integer' },
          price: { type: 'number', description: 'the unit price paid' },
        },
      },
    },
  },
} as const;

export function ordersRoute(app: FastifyInstance, { db, products, restaurants }: ReadContext): void {
  app.get<{ Params: { userId: string }; Querystring: { limit: number; before?: string } }>(
    '/users/:userId/orders',
    {
      schema: {
        summary: "The user's purchase history from dds, newest first; pass the last order_id of a page as before= for the next",
        tags: ['purchase history'],
        params: userParamsSchema,
        querystring: { type: 'object', additionalProperties: false, properties: { limit: limitSchema(20, 100), before: orderIdSchema } },
        response: {
          200: {
            type: 'object',
            required: ['user_id', 'orders', 'next_before'],
            properties: {
              user_id: { type: 'string' },
              orders: { type: 'array', items: orderSchema },
              next_before: { type: ['integer', 'null'], description: 'before= for the next page; null on the last page' },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { userId } = request.params;
      const { limit, before } = request.query;
      const userKey = hubHashKey(userId);
      // The user's existence is read only when the answer is empty: a page or a cursor found is proof enough.
      const userUnknown = async () =>
        (await fromPostgres(db.query({ name: 'cdm_api_user_known', text: 'SELECT 1 FROM dds.h_user WHERE h_user_pk = $1', values: [userKey] }))).rowCount === 0;
      let cursor: [Date, string] | null = null;
      if (before !== undefined) {
        const orderKey = hubHashKey(before);
        const { rows } = await fromPostgres(
          db.query<{ order_dt: Date }>({
            name: 'cdm_api_order_cursor',
            text: 'SELECT order_dt FROM dds.l_order_user WHERE hk_order_user_pk = $1',
            values: [linkHashKey(orderKey, userKey)],
          }),
        );
        if (rows.length === 0) throw notFound((await userUnknown()) ? `There is no user ${userId}.` : `User ${userId} has no order ${before}.`);
        cursor = [rows[0]!.order_dt, orderKey];
      }
      const { rows } = await fromPostgres(
        cursor
          ? db.query<OrderRow>({ name: 'cdm_api_orders_after', text: page(true), values: [userKey, limit + 1, ...cursor] })
          : db.query<OrderRow>({ name: 'cdm_api_orders_first', text: page(false), values: [userKey, limit + 1] }),
      );
      if (rows.length === 0 && !cursor && (await userUnknown())) throw notFound(`There is no user ${userId}.`);
      const shown = rows.slice(0, limit);
      const [productNames, restaurantNames] = await fromPostgres(
        Promise.all([
          products.get(shown.flatMap((row) => (row.items ?? []).map((item) => item.product))),
          restaurants.get(shown.flatMap((row) => row.restaurant ?? [])),
        ]),
      );
      const orders = shown.map((row) => {
        const history = (row.statuses ?? []).map((s) => ({ status: s.status, at: iso(s.at) }));
        const items = (row.items ?? []).map((item) => {
          const product = productNames.get(item.product);
          return { product_id: product?.product_id ?? '', name: product?.name ?? '', quantity: item.quantity, price: item.price };
        });
        return {
          order_id: Number(row.order_id),
          date: iso(row.order_dt),
          restaurant: (row.restaurant && restaurantNames.get(row.restaurant)) || { restaurant_id: '', name: '' },
          status: history.at(-1)?.status ?? '',
          status_history: history,
          cost: row.cost ?? 0,
          payment: row.payment ?? 0,
          items: items.sort((a, b) => (a.product_id < b.product_id ? -1 : a.product_id > b.product_id ? 1 : 0)),
        };
      });
      return { user_id: userId, orders, next_before: rows.length > limit ? orders.at(-1)!.order_id : null };
    },
  );
}
