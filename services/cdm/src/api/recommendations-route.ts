import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { fromPostgres } from '@orders-dwh/shared/http';
import { hubHashKey } from '@orders-dwh/shared/vault';
import { limitSchema, userParamsSchema } from './business-ids.ts';
import { errorResponses, notFound } from './not-found.ts';
import { productWith, type ProductDetails, type ReadContext } from './product-details.ts';
import { scoreRecommendations, type Reason, type ScoringInput } from './scoring.ts';

// How far the candidates reach: the user's top products, their most frequent partners, the top
// category's and everyone's most ordered products. Beyond these the terms are too small to rank.
// Popularity reads all of cdm.product_counters: a row per product of the catalog, however many
// orders there are; every other read is an index range of one user or product.
export const CANDIDATES = { seeds: 20, partnersPerSeed: 50, categoryProducts: 50, popularProducts: 50 } as const;

// One statement: the user's counters, the top category, and the counts of every candidate.
const SCORING_INPUT = `
  WITH mine AS (SELECT product_id, order_cnt FROM cdm.user_product_counters WHERE user_id = $1),
  seeds AS (SELECT product_id, row_number() OVER (ORDER BY order_cnt DESC, product_id) AS seed
            FROM mine ORDER BY order_cnt DESC, product_id LIMIT ${CANDIDATES.seeds}),
  categories AS (SELECT category_id, category_name, order_cnt FROM cdm.user_category_counters WHERE user_id = $1),
  top AS (SELECT category_id, category_name, order_cnt FROM categories ORDER BY order_cnt DESC, category_id LIMIT 1)
  SELECT EXISTS (SELECT 1 FROM dds.h_user WHERE h_user_pk = $1) AS known,
    (SELECT coalesce(json_agg(json_build_object('id', product_id, 'orders', order_cnt) ORDER BY order_cnt DESC, product_id), '[]'::json) FROM mine) AS products,
    (SELECT json_build_object('id', category_id, 'name', category_name, 'orders', order_cnt) FROM top) AS top_category,
    (SELECT coalesce(sum(order_cnt), 0)::float8 FROM categories) AS category_orders,
    (SELECT coalesce(json_agg(json_build_object('product', s.product_id, 'other', pp.other_product_id, 'orders', pp.order_cnt) ORDER BY s.seed, pp.order_cnt DESC, pp.other_product_id), '[]'::json)
       FROM seeds s
       CROSS JOIN LATERAL (SELECT other_product_id, order_cnt FROM cdm.product_pair_counters WHERE product_id = s.product_id
                           ORDER BY order_cnt DESC, other_product_id LIMIT ${CANDIDATES.partnersPerSeed}) pp) AS pairs,
    (SELECT coalesce(json_object_agg(c.product_id, c.order_cnt), '{}'::json) FROM cdm.product_counters c JOIN seeds s ON s.product_id = c.product_id) AS totals,
    (SELECT coalesce(json_object_agg(product_id, order_cnt), '{}'::json)
       FROM (SELECT product_id, order_cnt FROM cdm.product_counters WHERE category_id = (SELECT category_id FROM top)
             ORDER BY order_cnt DESC, product_id LIMIT ${CANDIDATES.categoryProducts}) c) AS category_products,
    (SELECT coalesce(sum(order_cnt), 0)::float8 FROM cdm.product_counters WHERE category_id = (SELECT category_id FROM top)) AS category_total,
    (SELECT coalesce(json_object_agg(product_id, order_cnt), '{}'::json)
       FROM (SELECT product_id, order_cnt FROM cdm.product_counters ORDER BY order_cnt DESC, product_id LIMIT ${CANDIDATES.popularProducts}) p) AS popular_products,
    (SELECT coalesce(sum(order_cnt), 0)::float8 FROM cdm.product_counters) AS popular_total`;

/** Everything the scores need, in one statement. Null when the user is unknown. */
export async function scoringInput(db: pg.Pool, userKey: string): Promise<ScoringInput | null> {
  type Row = {
    known: boolean;
    products: Array<{ id: string; orders: number }>;
    top_category: { id: string; name: string; orders: number } | null;
    category_orders: number;
    pairs: Array<{ product: string; other: string; orders: number }>;
    totals: Record<string, number>;
    category_products: Record<string, number>;
    category_total: number;
    popular_products: Record<string, number>;
    popular_total: number;
  };
  const row = (await db.query<Row>({ name: 'cdm_api_scoring_input', text: SCORING_INPUT, values: [userKey] })).rows[0]!;
  if (!row.known) return null;
  return {
    userProducts: new Map(row.products.map((p) => [p.id, p.orders])),
    topCategory: row.top_category && { ...row.top_category, userCategoryOrders: row.category_orders },
    pairs: row.pairs,
    totals: new Map(Object.entries(row.totals)),
    categoryProducts: new Map(Object.entries(row.category_products)),
    categoryTotal: row.category_total,
    popularProducts: new Map(Object.entries(row.popular_products)),
    popularTotal: row.popular_total,
  };
}

export function reasonText(reason: Reason, details: ReadonlyMap<string, ProductDetails>): string {
  switch (reason.kind) {
    case 'again':
      return `order again: in ${reason.orders} of your orders`;
    case 'with':
      return `often ordered with ${details.get(reason.product)?.name ?? 'what you order'}`;
    case 'category':
      return `popular in ${reason.category}, your top category`;
    case 'popular':
      return 'popular with everyone';
  }
}

const recommendationSchema = productWith({
  score: { type: 'number', description: 'the sum of the weighted evidence (see README, Recommendations)' },
  reason: { type: 'string', description: 'the largest evidence, in words' },
  order_again: { type: 'boolean', description: 'the user has ordered it before' },
});

export function recommendationsRoute(app: FastifyInstance, { db, products }: ReadContext): void {
  app.get<{ Params: { userId: string }; Querystring: { limit: number } }>(
    '/users/:userId/recommendations',
    {
      schema: {
        summary: 'Products to offer the user: ordered with what they order, popular in their top category, or again',
        tags: ['recommendations'],
        params: userParamsSchema,
        querystring: { type: 'object', additionalProperties: false, properties: { limit: limitSchema(10, 50) } },
        response: {
          200: {
            type: 'object',
            required: ['user_id', 'recommendations'],
            properties: { user_id: { type: 'string' }, recommendations: { type: 'array', items: recommendationSchema } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const { userId } = request.params;
      const input = await fromPostgres(scoringInput(db, hubHashKey(userId)));
      if (!input) throw notFound(`There is no user ${userId}.`);
      const scored = scoreRecommendations(input, request.query.limit);
      const named = scored.flatMap((s) => (s.reason.kind === 'with' ? [s.reason.product] : []));
      const details = await fromPostgres(products.get([...scored.map((s) => s.product), ...named]));
      return {
        user_id: userId,
        recommendations: scored.flatMap((s) => {
          const product = details.get(s.product);
          return product ? [{ ...product, score: s.score, reason: reasonText(s.reason, details), order_again: s.orderAgain }] : [];
        }),
      };
    },
  );
}
