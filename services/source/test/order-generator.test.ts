import { describe, expect, it } from 'vitest';
import { orderEventContract, type OrderEvent } from '@orders-dwh/shared/contracts';
import { createOrderGenerator, EmptyReferenceError, lifecycleEvents, type OrderReference } from '../src/order-generator.ts';
import { seededRandom } from '../src/random.ts';
import { generateReferenceData } from '../src/reference-data.ts';

const data = generateReferenceData({ users: 50, restaurants: 8, seed: 42 });
const reference: OrderReference = { userIds: data.users.map((u) => u.id), restaurants: data.restaurants };
const NOW = new Date('2025-06-01T12:00:00.000Z');

function generate(count: number, options: { seed?: number; cancelShare?: number } = {}): OrderEvent[] {
  const make = createOrderGenerator({ random: seededRandom(options.seed ?? 1), reference, now: () => NOW, cancelShare: options.cancelShare });
  return Array.from({ length: count }, (_, i) => make(i + 1));
}

describe('createOrderGenerator', () => {
  it('makes orders that all pass the stg_service contract', () => {
    const failures = generate(5000, { cancelShare: 0.2 })
      .map((order) => orderEventContract(order))
      .filter((result) => !result.ok);
    expect(failures).toEqual([]);
  });

  it('uses the given id, 1–3 distinct items of one restaurant menu and quantities 1–5', () => {
    const menus = new Map(data.restaurants.map((r) => [r.id, new Map(r.menu.map((m) => [m.id, m]))]));
    const itemCounts = new Set<number>();
    for (const [index, order] of generate(3000).entries()) {
      expect(order.object_id).toBe(index + 1);
      expect(reference.userIds).toContain(order.payload.user.id);
      const menu = menus.get(order.payload.restaurant.id);
      expect(menu).toBeDefined();
      const items = order.payload.order_items;
      itemCounts.add(items.length);
      expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
      for (const item of items) {
        const onMenu = menu!.get(item.id);
        expect(onMenu).toBeDefined();
        expect({ name: item.name, price: item.price, category: item.category }).toEqual({
          name: onMenu!.name,
          price: onMenu!.price,
          category: onMenu!.category,
        });
        expect(item.quantity).toBeGreaterThanOrEqual(1);
        expect(item.quantity).toBeLessThanOrEqual(5);
      }
    }
    expect([...itemCounts].sort()).toEqual([1, 2, 3]);
  });

  it('keeps money consistent: cost = Σ price × quantity, payment = cost − bonus_payment, small bonus grant', () => {
    let withBonus = 0;
    for (const { payload } of generate(3000)) {
      expect(payload.cost).toBe(payload.order_items.reduce((s, i) => s + i.price * i.quantity, 0));
      expect(payload.bonus_payment).toBeGreaterThanOrEqual(0);
      expect(payload.bonus_payment).toBeLessThanOrEqual(payload.cost);
      expect(payload.payment).toBe(payload.cost - payload.bonus_payment);
      expect(payload.bonus_grant).toBeGreaterThanOrEqual(0);
      expect(payload.bonus_grant).toBeLessThanOrEqual(payload.payment * 0.1);
      if (payload.bonus_payment > 0) withBonus++;
    }
    expect(withBonus).toBeGreaterThan(0);
    expect(withBonus).toBeLessThan(3000);
  });

  it('orders statuses OPEN → COOKING → DELIVERING → CLOSED with increasing times ending at now', () => {
    for (const order of generate(2000)) {
      const { statuses, final_status, update_ts, date } = order.payload;
      expect(statuses.map((s) => s.status)).toEqual(['OPEN', 'COOKING', 'DELIVERING', 'CLOSED']);
      const times = statuses.map((s) => Date.parse(s.dttm));
      for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]);
      expect(final_status).toBe('CLOSED');
      expect(update_ts).toBe(statuses[statuses.length - 1].dttm);
      expect(date).toBe(statuses[0].dttm);
      expect(order.sent_dttm).toBe(NOW.toISOString());
      expect(Date.parse(update_ts)).toBeLessThanOrEqual(NOW.getTime());
    }
  });

  it('cancels about the configured share of orders, after at least OPEN', () => {
    const orders = generate(4000, { cancelShare: 0.25 });
    const cancelled = orders.filter((o) => o.payload.final_status === 'CANCELLED');
    expect(cancelled.length / orders.length).toBeGreaterThan(0.2);
    expect(cancelled.length / orders.length).toBeLessThan(0.3);
    for (const order of cancelled) {
      const names = order.payload.statuses.map((s) => s.status);
      expect(names[0]).toBe('OPEN');
      expect(names.at(-1)).toBe('CANCELLED');
      expect(names).not.toContain('CLOSED');
    }
    expect(generate(2000).some((o) => o.payload.final_status === 'CANCELLED')).toBe(false);
  });

  it('is reproducible for one random seed', () => {
    expect(generate(50, { seed: 5 })).toEqual(generate(50, { seed: 5 }));
    expect(generate(50, { seed: 6 })).not.toEqual(generate(50, { seed: 5 }));
  });

  it('refuses empty reference data and an impossible cancel share', () => {
    expect(() => createOrderGenerator({ random: Math.random, reference: { userIds: [], restaurants: data.restaurants } })).toThrow(EmptyReferenceError);
    expect(() => createOrderGenerator({ random: Math.random, reference: { userIds: ['a'], restaurants: [] } })).toThrow(EmptyReferenceError);
    expect(() => createOrderGenerator({ random: Math.random, reference, cancelShare: 1.5 })).toThrow(RangeError);
  });
});

describe('lifecycleEvents', () => {
  it('emits one contract-valid event per status, each with the statuses so far', () => {
    const [order] = generate(1);
    const events = lifecycleEvents(order);
    expect(events.map((e) => e.payload.final_status)).toEqual(['OPEN', 'COOKING', 'DELIVERING', 'CLOSED']);
    events.forEach((event, i) => {
      expect(orderEventContract(event).ok).toBe(true);
      expect(event.object_id).toBe(order.object_id);
      expect(event.payload.statuses).toEqual(order.payload.statuses.slice(0, i + 1));
      expect(event.payload.update_ts).toBe(order.payload.statuses[i].dttm);
      expect(event.payload.order_items).toEqual(order.payload.order_items);
    });
    expect(events.at(-1)).toEqual(order);
  });
});
