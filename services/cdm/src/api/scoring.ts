// Recommendation scores from the datamarts, pure: each evidence is a share of orders, weighted.
//   again(Y)    = w(Y)                              the share of the user's product orders that held Y
//   with(Y)     = Σ_X w(X) · pair(X,Y) / total(X)   how often Y comes with what the user orders
//   category(Y) = w(C) · total(Y) / total(C)        Y's share of the user's top category C
//   popular(Y)  = total(Y) / total(all)             Y's share of everyone's product orders
// w(X) = the user's orders holding X / Σ over the user's products; w(C) likewise over categories;
// total(Y) = all CLOSED orders holding Y. score = again + with + 0.5·category + 0.1·popular, and the
// reason names the largest term (the first of equals, in the order above; the user's products in
// order of their counts).

export const WEIGHTS = { again: 1, with: 1, category: 0.5, popular: 0.1 } as const;

export interface ScoringInput {
  /** The user's counters: product hub key → orders holding it (cdm.user_product_counters). */
  userProducts: ReadonlyMap<string, number>;
  /** The user's top category with its count, and the sum of the user's category counts. */
  topCategory: { id: string; name: string; orders: number; userCategoryOrders: number } | null;
  /** Pairs from the user's products: (X, Y) → orders holding both (cdm.product_pair_counters). */
  pairs: ReadonlyArray<{ product: string; other: string; orders: number }>;
  /** total(X) of every product in play (cdm.product_counters). */
  totals: ReadonlyMap<string, number>;
  /** The top category's products (Y → total(Y)) and its sum over all its products. */
  categoryProducts: ReadonlyMap<string, number>;
  categoryTotal: number;
  /** The most ordered products (Y → total(Y)) and the sum over all products. */
  popularProducts: ReadonlyMap<string, number>;
  popularTotal: number;
}

export type Reason = { kind: 'again'; orders: number } | { kind: 'with'; product: string } | { kind: 'category'; category: string } | { kind: 'popular' };

export interface Scored {
  product: string;
  score: number;
  reason: Reason;
  orderAgain: boolean;
}

interface Candidate {
  score: number;
  best: { value: number; reason: Reason };
}

export function scoreRecommendations(input: ScoringInput, limit: number): Scored[] {
  const candidates = new Map<string, Candidate>();
  const add = (product: string, value: number, reason: Reason) => {
    if (!(value > 0)) return;
    const candidate = candidates.get(product) ?? { score: 0, best: { value: 0, reason } };
    candidate.score += value;
    if (value > candidate.best.value) candidate.best = { value, reason };
    candidates.set(product, candidate);
  };

  const userTotal = sum(input.userProducts.values());
  const share = (product: string) => (userTotal > 0 ? (input.userProducts.get(product) ?? 0) / userTotal : 0);
  for (const [product, orders] of input.userProducts) add(product, WEIGHTS.again * share(product), { kind: 'again', orders });
  for (const { product, other, orders } of input.pairs) {
    const total = input.totals.get(product) ?? 0;
    if (total > 0) add(other, WEIGHTS.with * share(product) * (orders / total), { kind: 'with', product });
  }
  const category = input.topCategory;
  if (category && category.userCategoryOrders > 0 && input.categoryTotal > 0) {
    const weight = category.orders / category.userCategoryOrders;
    for (const [product, total] of input.categoryProducts) {
      add(product, WEIGHTS.category * weight * (total / input.categoryTotal), { kind: 'category', category: category.name });
    }
  }
  if (input.popularTotal > 0) {
    for (const [product, total] of input.popularProducts) add(product, WEIGHTS.popular * (total / input.popularTotal), { kind: 'popular' });
  }

  // Ranked by the score as shown (4 decimals), ties in hub key order: the same whatever order the sums were added in.
  return [...candidates]
    .map(([product, { score, best }]) => ({ product, score: round4(score), reason: best.reason, orderAgain: input.userProducts.has(product) }))
    .sort((x, y) => y.score - x.score || (x.product < y.product ? -1 : x.product > y.product ? 1 : 0))
    .slice(0, limit);
}

/** A number as the API shows it, to 4 decimals: scores, shares. */
export const round4 = (value: number) => Math.round(value * 10_000) / 10_000;

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
