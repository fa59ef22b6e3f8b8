import { describe, expect, it } from 'vitest';
import { generateReferenceData, MENU_SIZE, PRICE } from '../src/reference-data.ts';
import { MENU_CATEGORIES } from '@orders-dwh/shared/reference';

const hex24 = /^[0-9a-f]{24}$/;

describe('generateReferenceData', () => {
  it('makes the configured number of users and restaurants', () => {
    const data = generateReferenceData({ users: 37, restaurants: 6, seed: 1 });
    expect(data.users).toHaveLength(37);
    expect(data.restaurants).toHaveLength(6);
  });

  it('gives the same data for the same seed and different data for another seed', () => {
    const a = generateReferenceData({ users: 20, restaurants: 4, seed: 7 });
    const b = generateReferenceData({ users: 20, restaurants: 4, seed: 7 });
    const c = generateReferenceData({ users: 20, restaurants: 4, seed: 8 });
    expect(b).toEqual(a);
    expect(c.users.map((u) => u.id)).not.toEqual(a.users.map((u) => u.id));
  });

  it('makes users with 24-hex ids, a full name, a login and an ISO timestamp', () => {
    for (const user of generateReferenceData({ users: 200, restaurants: 1, seed: 3 }).users) {
      expect(user.id).toMatch(hex24);
      expect(user.name.split(' ').length).toBeGreaterThanOrEqual(2);
      expect(user.login.length).toBeGreaterThan(0);
      expect(new Date(user.update_ts).toISOString()).toBe(user.update_ts);
    }
  });

  it('makes menus of 5 to 15 distinct items with integer prices 100–1000 and a known category', () => {
    const { restaurants } = generateReferenceData({ users: 1, restaurants: 50, seed: 11 });
    const sizes = new Set<number>();
    for (const restaurant of restaurants) {
      expect(restaurant.id).toMatch(hex24);
      expect(restaurant.name.length).toBeGreaterThan(0);
      expect(restaurant.menu.length).toBeGreaterThanOrEqual(MENU_SIZE.min);
      expect(restaurant.menu.length).toBeLessThanOrEqual(MENU_SIZE.max);
      sizes.add(restaurant.menu.length);
      expect(new Set(restaurant.menu.map((item) => item.name)).size).toBe(restaurant.menu.length);
      for (const item of restaurant.menu) {
        expect(item.id).toMatch(hex24);
        expect(Number.isInteger(item.price)).toBe(true);
        expect(item.price).toBeGreaterThanOrEqual(PRICE.min);
        expect(item.price).toBeLessThanOrEqual(PRICE.max);
        expect(MENU_CATEGORIES).toContain(item.category);
      }
    }
    expect(sizes.size).toBeGreaterThan(3);
  });

  it('never repeats an id across users, restaurants and menu items', () => {
    const data = generateReferenceData({ users: 2000, restaurants: 100, seed: 5 });
    const ids = [...data.users.map((u) => u.id), ...data.restaurants.flatMap((r) => [r.id, ...r.menu.map((m) => m.id)])];
    expect(new Set(ids).size).toBe(ids.length);
  });
});
