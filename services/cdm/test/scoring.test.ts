import { describe, expect, it } from 'vitest';
import { scoreRecommendations, type ScoringInput } from '../src/api/scoring.ts';

const empty: ScoringInput = {
  userProducts: new Map(),
  topCategory: null,
  pairs: [],
  totals: new Map(),
  categoryProducts: new Map(),
  categoryTotal: 0,
  popularProducts: new Map(),
  popularTotal: 0,
};

describe('scoreRecommendations', () => {
  it('gives a user without history the popular products, 0.1 × their share of all product orders', () => {
    const scored = scoreRecommendations(
      {
        ...empty,
        popularProducts: new Map([
          ['a', 30],
          ['b', 10],
        ]),
        popularTotal: 100,
      },
      10,
    );
    expect(scored).toEqual([
      { product: 'a', score: 0.03, reason: { kind: 'popular' }, orderAgain: false },
      { product: 'b', score: 0.01, reason: { kind: 'popular' }, orderAgain: false },
    ]);
  });

  it('adds the terms and names the largest: again w(Y), with Σ w(X)·pair/total(X), category 0.5·w(C)·share in C', () => {
    // The user: soup in 3 of their product-orders, tea in 1 (w = 0.75, 0.25).
    const scored = scoreRecommendations(
      {
        ...empty,
        userProducts: new Map([
          ['soup', 3],
          ['tea', 1],
        ]),
        topCategory: { id: 'c-soups', name: 'Soups', orders: 3, userCategoryOrders: 4 },
        pairs: [
          { product: 'soup', other: 'bread', orders: 5 },
          { product: 'tea', other: 'bread', orders: 1 },
          { product: 'soup', other: 'tea', orders: 2 },
        ],
        totals: new Map([
          ['soup', 10],
          ['tea', 4],
        ]),
        categoryProducts: new Map([
          ['soup', 10],
          ['borscht', 10],
        ]),
        categoryTotal: 20,
      },
      10,
    );
    expect(scored).toEqual([
      // 0.75 (again) + 0.5·0.75·0.5 (category)
      { product: 'soup', score: 0.9375, reason: { kind: 'again', orders: 3 }, orderAgain: true },
      // 0.75·5/10 + 0.25·1/4 = 0.4375, most of it from soup
      { product: 'bread', score: 0.4375, reason: { kind: 'with', product: 'soup' }, orderAgain: false },
      // 0.25 (again) + 0.75·2/10 (with soup) = 0.4
      { product: 'tea', score: 0.4, reason: { kind: 'again', orders: 1 }, orderAgain: true },
      // 0.5·0.75·0.5
      { product: 'borscht', score: 0.1875, reason: { kind: 'category', category: 'Soups' }, orderAgain: false },
    ]);
    expect(
      scoreRecommendations(
        {
          ...empty,
          userProducts: new Map([
            ['soup', 3],
            ['tea', 1],
          ]),
        },
        1,
      ),
    ).toHaveLength(1);
  });

  it('ranks equal scores by product key, whatever order the terms came in', () => {
    const input = {
      ...empty,
      popularProducts: new Map([
        ['b', 1],
        ['a', 1],
        ['c', 1],
      ]),
      popularTotal: 3,
    };
    expect(scoreRecommendations(input, 3).map((s) => s.product)).toEqual(['a', 'b', 'c']);
  });
});
