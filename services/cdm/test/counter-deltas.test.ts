import { describe, expect, it } from 'vitest';
import type { ClosedOrder } from '@orders-dwh/shared/contracts';
import { toCounterDeltas } from '../src/counter-deltas.ts';

const soup = { product_id: 'p-soup', product_name: 'Soup', category_id: 'c-soups', category_name: 'Soups' };
const borscht = { product_id: 'p-borscht', product_name: 'Borscht', category_id: 'c-soups', category_name: 'Soups' };
const tea = { product_id: 'p-tea', product_name: 'Tea', category_id: 'c-drinks', category_name: 'Drinks' };
const order = (order_id: string, user_id: string, products: ClosedOrder['products']): ClosedOrder => ({ order_id, user_id, products });

describe('toCounterDeltas', () => {
  it('adds one per (user, product) and at most one per (user, category) for an order', () => {
    const deltas = toCounterDeltas([order('o1', 'u1', [soup, borscht, tea])]);
    expect(deltas.products).toEqual([
      { user_id: 'u1', product_id: 'p-borscht', product_name: 'Borscht', order_cnt: 1 },
      { user_id: 'u1', product_id: 'p-soup', product_name: 'Soup', order_cnt: 1 },
      { user_id: 'u1', product_id: 'p-tea', product_name: 'Tea', order_cnt: 1 },
    ]);
    expect(deltas.categories).toEqual([
      { user_id: 'u1', category_id: 'c-drinks', category_name: 'Drinks', order_cnt: 1 },
      { user_id: 'u1', category_id: 'c-soups', category_name: 'Soups', order_cnt: 1 },
    ]);
  });

  it('sums distinct orders per user', () => {
    const deltas = toCounterDeltas([order('o1', 'u1', [soup]), order('o2', 'u1', [soup, borscht]), order('o3', 'u2', [soup])]);
    const count = (user: string, product: string) => deltas.products.find((d) => d.user_id === user && d.product_id === product)?.order_cnt;
    expect(count('u1', 'p-soup')).toBe(2);
    expect(count('u1', 'p-borscht')).toBe(1);
    expect(count('u2', 'p-soup')).toBe(1);
    expect(deltas.categories.find((d) => d.user_id === 'u1' && d.category_id === 'c-soups')?.order_cnt).toBe(2);
  });

  it('counts an order given twice once, and a product listed twice in an order once', () => {
    const deltas = toCounterDeltas([order('o1', 'u1', [soup, soup]), order('o1', 'u1', [soup, soup])]);
    expect(deltas.products).toEqual([{ user_id: 'u1', product_id: 'p-soup', product_name: 'Soup', order_cnt: 1 }]);
    expect(deltas.categories).toEqual([{ user_id: 'u1', category_id: 'c-soups', category_name: 'Soups', order_cnt: 1 }]);
  });

  it('adds one per product and per ordered pair of distinct products, across users', () => {
    const deltas = toCounterDeltas([order('o1', 'u1', [soup, tea, soup]), order('o2', 'u2', [soup, tea]), order('o3', 'u2', [borscht])]);
    expect(deltas.productTotals).toEqual([
      { ...borscht, order_cnt: 1 },
      { ...soup, order_cnt: 2 },
      { ...tea, order_cnt: 2 },
    ]);
    expect(deltas.productPairs).toEqual([
      { product_id: 'p-soup', other_product_id: 'p-tea', order_cnt: 2 },
      { product_id: 'p-tea', other_product_id: 'p-soup', order_cnt: 2 },
    ]);
  });

  it('takes the latest name', () => {
    const renamed = { ...soup, product_name: 'Tomato soup', category_name: 'Hot soups' };
    const deltas = toCounterDeltas([order('o1', 'u1', [soup]), order('o2', 'u1', [renamed])]);
    expect(deltas.products[0]).toMatchObject({ product_name: 'Tomato soup', order_cnt: 2 });
    expect(deltas.categories[0]).toMatchObject({ category_name: 'Hot soups', order_cnt: 2 });
  });

  it('is empty for no orders', () => {
    expect(toCounterDeltas([])).toEqual({ products: [], categories: [], productTotals: [], productPairs: [] });
  });
});
