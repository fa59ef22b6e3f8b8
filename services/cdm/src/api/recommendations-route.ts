import type { FastifyInstance } from 'fastify';
import type pg from 'pg';
import { fromPostgres } from '../../../shared/src/http/dependency-errors.ts';
import { businessIdSchema, hubKeyOf, limitSchema } from './business-ids.ts';
import { errorResponses, notFound } from './not-found.ts';
import { productDetails, productDetailsSchema, type ProductDetails } from './product-details.ts';
import { scoreRecommendations, type Reason, type ScoringInput } from './scoring.ts';

// How far the candidates reach: the user's top products, their most frequent partners, the top
// category's and everyone's most ordered products. Beyond these the terms are too small to rank.
// Popularity reads all of cdm.product_counters: a row per product of the catalog, however many
// orders there are; every other read is an index range of one user or product.
export const CANDIDATES = { seeds: 20, partnersPerSeed: 50, categoryProducts: 50, popularProducts: 50 } as const;

const USER = `
  SELECT EXISTS (SELECT 1 FROM dds.h_user WHERE h_user_pk = $1) AS known,
    (SELECT coalesce(json_agg(json_build_object('id', product_id, 'orders', order_cnt) ORDER BY order_cnt DESC, product_id), '[]'::json)
       FROM cdm.user_product_counters WHERE user_id = $1) AS products,
    (SELECT coalesce(json_agg(json_build_object('id', category_id, 'name', category_name, 'orders', order_cnt) ORDER BY order_cnt DESC, category_id), '[]'::json)
       FROM cdm.user_category_counters WHERE user_id = $1) AS categories`;

const CANDIDATE_COUNTS = `
  SELECT
    (SELECT coalesce(json_agg(json_build_object('product', s.id, 'other', pp.other_product_id, 'orders', pp.order_cnt) ORDER BY s.seed, pp.order_cnt DESC, pp.other_product_id), '[]'::json)
       FROM unnest($1::uuid[]) WITH ORDINALITY AS s(id, seed)
       CROSS JOIN LATERAL (SELECT other_product_id, order_cnt FROM cdm.product_pair_counters WHERE product_id = s.id
                           ORDER BY order_cnt DESC, other_product_id LIMIT ${CANDIDATES.partnersPerSeed}) pp) AS pairs,
    (SELECT coalesce(json_object_agg(product_id, order_cnt), '{}'::json) FROM cdm.product_counters WHERE product_id = ANY($1::uuid[])) AS totals,
    (SELECT coalesce(json_object_agg(product_id, order_cnt), '{}'::json)
       FROM (SELECT product_id, order_cnt FROM cdm.product_counters WHERE category_id = $2 ORDER BY order_cnt DESC, product_id LIMIT ${CANDIDATES.categoryProducts}) c) AS category_products,
    (SELECT coalesce(sum(order_cnt), 0)::float8 FROM cdm.product_counters WHERE category_id = $2) AS category_total,
    (SELECT coalesce(json_object_agg(product_id, order_cnt), '{}'::json)
       FROM (SELECT product_id, order_cnt FROM cdm.product_counters ORDER BY order_cnt DESC, product_id LIMIT ${CANDIDATES.popularProducts}) p) AS popular_products,
    (SELECT coalesce(sum(order_cnt), 0)::float8 FROM cdm.product_counters) AS popular_total`;

type Counted = { id: string; orders: number };

/** Everything the scores need, read in two statements. Null when the user is unknown. */
export async function scoringInput(db: pg.Pool, userKey: string): Promise<ScoringInput | null> {
  type UserRow = { known: boolean; products: Counted[]; categories: Array<Counted & { name: string }> };
  const user = (await db.query<UserRow>({ name: 'cdm_api_reco_user', text: USER, values: [userKey] })).rows[0]!;
  if (!user.known) return null;
  const top = user.categories[0];
  const seeds = user.products.slice(0, CANDIDATES.seeds).map((p) => p.id);
  type CountsRow = {
    pairs: Array<{ product: string; other: string; orders: number }>;
    totals: Record<string, number>;
    category_products: Record<string, number>;
    category_total: number;
    popular_products: Record<string, number>;
    popular_total: number;
  };
  const counts = (await db.query<CountsRow>({ name: 'cdm_api_reco_candidates', text: CANDIDATE_COUNTS, values: [seeds, top?.id ?? null] })).rows[0]!;
  return {
    userProducts: new Map(user.products.map((p) => [p.id, p.orders])),
    topCategory: top ? { id: top.id, name: top.name, orders: top.orders, userCategoryOrders: user.categories.reduce((s, c) => s + c.orders, 0) } : null,
    pairs: counts.pairs,
    totals: new Map(Object.entries(counts.totals)),
    categoryProducts: new Map(Object.entries(counts.category_products)),
    categoryTotal: counts.category_total,
    popularProducts: new Map(Object.entries(counts.popular_products)),
    popularTotal: counts.popular_total,
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

const recommendationSchema = {
  type: 'object',
  required: [...productDetailsSchema.required, 'score', 'reason', 'order_again'],
  properties: {
    ...productDetailsSchema.properties,
    score: { type: 'number', description: 'the sum of the weighted evidence (see README, Recommendations)' },
    reason: { type: 'string', description: 'the largest evidence, in words' },
    order_again: { type: 'boolean', description: 'the user has ordered it before' },
  },
} as const;

export function recommendationsRoute(app: FastifyInstance, db: pg.Pool): void {
  app.get<{ Params: { userId: string }; Querystring: { limit: number } }>(
    '/users/:userId/recommendations',
    {
      schema: {
        summary: "Products to offer the user: ordered with what they order, popular in their top category, or again",
        tags: ['recommendations'],
        params: { type: 'object', required: ['userId'], properties: { userId: businessIdSchema('user') } },
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
      const input = await fromPostgres(scoringInput(db, hubKeyOf(userId)));
      if (!input) throw notFound(`There is no user ${userId}.`);
      const scored = scoreRecommendations(input, request.query.limit);
      const named = scored.flatMap((s) => (s.reason.kind === 'with' ? [s.reason.product] : []));
      const details = await fromPostgres(productDetails(db, [...scored.map((s) => s.product), ...named]));
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
