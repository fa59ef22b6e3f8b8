import { describe, expect, it } from 'vitest';
import { enrichedOrderContract, type OrderItem } from '@orders-dwh/shared/contracts';
import { costProblem, enrichOrder, menuMismatches, repeatedItemPrices, statusHistoryProblems } from '../src/enrich-order.ts';
import { orderEvent, restaurant, user } from './order-fixtures.ts';

describe('enrichOrder', () => {
  it('adds the user and restaurant names to the order and keeps its amounts and items', () => {
    const event = orderEvent(42, 'DELIVERING');
    const enriched = enrichOrder(event, user, restaurant);
    expect(enriched).toEqual({
      object_id: 42,
      object_type: 'order',
      payload: {
        id: 42,
        date: '2025-03-01T10:00:00.000Z',
        update_ts: '2025-03-01T10:02:00.000Z',
        cost: 300 * 1 + 120 * 2,
        payment: 300 * 1 + 120 * 2 - 100,
        status: 'DELIVERING',
        statuses: [
          { status: 'OPEN', dttm: '2025-03-01T10:00:00.000Z' },
          { status: 'COOKING', dttm: '2025-03-01T10:01:00.000Z' },
          { status: 'DELIVERING', dttm: '2025-03-01T10:02:00.000Z' },
        ],
        restaurant: { id: restaurant.id, name: 'Analytical Kitchen' },
        user: { id: user.id, name: 'Ada Lovelace', login: 'ada' },
        products: [
          { id: restaurant.menu[0].id, price: 300, quantity: 1, name: 'Borscht', category: 'Soups' },
          { id: restaurant.menu[2].id, price: 120, quantity: 2, name: 'Kompot', category: 'Drinks' },
        ],
      },
    });
  });

  it('makes messages that pass the dds_service contract', () => {
    for (const status of ['OPEN', 'COOKING', 'DELIVERING', 'CLOSED'] as const) {
      const result = enrichedOrderContract(enrichOrder(orderEvent(7, status), user, restaurant));
      expect(result).toEqual(expect.objectContaining({ ok: true }));
    }
  });

  it('takes the status and update_ts of the event, not of the reference data', () => {
    const enriched = enrichOrder(orderEvent(1, 'OPEN'), user, restaurant);
    expect(enriched.payload.status).toBe('OPEN');
    expect(enriched.payload.update_ts).toBe('2025-03-01T10:00:00.000Z');
  });
});

describe('menuMismatches', () => {
  const menu = new Map(restaurant.menu.map((m) => [m.id, m]));

  it('is empty when every item is on the menu as it is there', () => {
    expect(menuMismatches(orderEvent(1), menu)).toEqual([]);
  });

  it('names the items that are not on the menu', () => {
    const event = orderEvent(1, 'CLOSED', { itemIds: [restaurant.menu[1].id, 'dddddddddddddddddddddddd'] });
    expect(menuMismatches(event, menu)).toEqual(['item dddddddddddddddddddddddd is not on the menu']);
  });

  it('names every field of a real item that makes it another product: name, category', () => {
    const event = orderEvent(1);
    const [first, second] = event.payload.order_items as [OrderItem, OrderItem];
    event.payload.order_items = [
      { ...first, category: 'Desserts' },
      { ...second, name: 'Compote' },
    ];
    expect(menuMismatches(event, menu)).toEqual([
      `item ${first.id} has category "Desserts" where the menu says ${JSON.stringify(menu.get(first.id)!.category)}`,
      `item ${second.id} has name "Compote" where the menu says ${JSON.stringify(menu.get(second.id)!.name)}`,
    ]);
  });

  it('takes the price the order paid as it is: the menu may have changed since the order was placed', () => {
    const event = orderEvent(1);
    const [first, second] = event.payload.order_items as [OrderItem, OrderItem];
    event.payload.order_items = [{ ...first, price: first.price + 50 }, second];
    expect(menuMismatches(event, menu)).toEqual([]);
  });
});

describe('repeatedItemPrices', () => {
  it('accepts an item listed twice at one price, and names one listed at two', () => {
    const event = orderEvent(1);
    const [borscht, kompot] = event.payload.order_items as [OrderItem, OrderItem];
    event.payload.order_items = [borscht, kompot, { ...borscht, quantity: 4 }];
    expect(repeatedItemPrices(event)).toEqual([]);
    event.payload.order_items = [borscht, kompot, { ...borscht, price: 250 }, { ...borscht, price: 300 }];
    expect(repeatedItemPrices(event)).toEqual([`item ${borscht.id} is listed at 300 and 250`]);
  });
});

describe('costProblem', () => {
  it('accepts a cost equal to the sum of price × quantity', () => {
    expect(costProblem(orderEvent(1))).toBeNull();
  });

  it("names a cost that is not its items' sum, and the sum", () => {
    const event = orderEvent(1);
    const [first, second] = event.payload.order_items as [OrderItem, OrderItem];
    const sum = first.price * first.quantity + second.price * second.quantity;
    expect(costProblem({ ...event, payload: { ...event.payload, cost: sum + 1 } })).toBe(
      `cost ${sum + 1} is not the sum of its items' price × quantity (${sum})`,
    );
    expect(costProblem({ ...event, payload: { ...event.payload, cost: sum + 0.5 } })).toBe(
      `cost ${sum + 0.5} is not the sum of its items' price × quantity (${sum})`,
    );
    event.payload.order_items = [{ ...first, quantity: first.quantity + 1 }, second];
    expect(costProblem(event)).toBe(`cost ${sum} is not the sum of its items' price × quantity (${sum + first.price})`);
  });
});

describe('statusHistoryProblems', () => {
  const withStatuses = (statuses: Array<[string, string]>, final: string, updateTs: string) => {
    const event = orderEvent(9, 'CLOSED');
    return {
      ...event,
      payload: { ...event.payload, statuses: statuses.map(([status, dttm]) => ({ status, dttm })), final_status: final, update_ts: updateTs },
    } as typeof event;
  };

  it('is empty for a history in time order ending with final_status at update_ts (any offset)', () => {
    expect(statusHistoryProblems(orderEvent(1, 'CLOSED'))).toEqual([]);
    expect(
      statusHistoryProblems(
        withStatuses(
          [
            ['OPEN', '2025-03-01T10:00:00Z'],
            ['CLOSED', '2025-03-01T13:05:00+03:00'],
          ],
          'CLOSED',
          '2025-03-01T10:05:00.000Z',
        ),
      ),
    ).toEqual([]);
  });

  it.each([
    [
      [
        ['OPEN', '2025-03-01T10:05:00Z'],
        ['CLOSED', '2025-03-01T10:00:00Z'],
      ],
      'CLOSED',
      '2025-03-01T10:00:00Z',
      ['statuses are not in time order'],
    ],
    [
      [
        ['OPEN', '2025-03-01T10:00:00Z'],
        ['CLOSED', '2025-03-01T10:01:00Z'],
        ['COOKING', '2025-03-01T10:02:00Z'],
      ],
      'COOKING',
      '2025-03-01T10:02:00Z',
      ['status CLOSED is followed by COOKING'],
    ],
    [
      [
        ['OPEN', '2025-03-01T10:00:00Z'],
        ['CLOSED', '2025-03-01T10:01:00Z'],
      ],
      'OPEN',
      '2025-03-01T10:01:00Z',
      ['the last status is CLOSED, final_status is OPEN'],
    ],
    [[['OPEN', '2025-03-01T10:00:00Z']], 'OPEN', '2025-03-01T10:09:00Z', ['the last status is at 2025-03-01T10:00:00Z, update_ts is 2025-03-01T10:09:00Z']],
  ] as const)('names what is wrong: %j final %s at %s', (statuses, final, updateTs, problems) => {
    expect(
      statusHistoryProblems(
        withStatuses(
          statuses.map(([a, b]) => [a, b]),
          final,
          updateTs,
        ),
      ),
    ).toEqual(problems);
  });
});
