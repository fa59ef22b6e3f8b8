// The contracts refuse every value some layer could not hold the same way: NUL and lone surrogates
// in text, overlong text, numbers past their columns, timestamps JavaScript and Postgres disagree on.
// biome-ignore-all lint/suspicious/noExplicitAny: the mutations reach into messages by path, as any JSON
import { describe, expect, it } from 'vitest';
import { closedOrderContract, enrichedOrderContract, MAX_TEXT_LENGTH, orderEventContract } from '@orders-dwh/shared/contracts';
import { orderEvent } from '../../services/stg/test/order-fixtures.ts';
import { enrichedOrder, menu } from '../../services/dds/test/enriched-order-fixture.ts';
import { toClosedOrderMessage } from '../../services/dds/src/closed-order-message.ts';

/** A deep copy of value with fn applied to it. */
function mutated<T>(value: T, fn: (copy: any) => void): unknown {
  const copy = structuredClone(value);
  fn(copy);
  return copy;
}
/** As a message arrives: JSON text parsed, so 1e400 becomes Infinity as it would in the runner. */
const parsed = (json: string) => JSON.parse(json) as unknown;

describe('order event contract bounds', () => {
  const valid = orderEvent(1);

  it('accepts the fixture and text at the length limit with other control characters', () => {
    expect(orderEventContract(valid).ok).toBe(true);
    const edge = mutated(valid, (e) => {
      // 200 code points (201 UTF-16 units: the limit counts characters, not units).
      e.payload.order_items[0].name = `\u0001\t\n"\\${'x'.repeat(MAX_TEXT_LENGTH - 6)}\u{1F600}`;
    });
    expect(orderEventContract(edge)).toEqual(expect.objectContaining({ ok: true }));
  });

  it.each([
    [
      'a NUL in a name',
      (e: any) => (e.payload.order_items[0].name = 'Bor\u0000scht'),
      /order_items\/0\/name must be 1 to 200 characters, none of them NUL or a lone surrogate/,
    ],
    [
      'a lone surrogate in a category',
      (e: any) => (e.payload.order_items[0].category = 'Soups\ud800'),
      /order_items\/0\/category must be 1 to 200 characters, none of them NUL or a lone surrogate/,
    ],
    [
      'a name past the limit',
      (e: any) => (e.payload.order_items[0].name = 'x'.repeat(MAX_TEXT_LENGTH + 1)),
      /name must be 1 to 200 characters, none of them NUL or a lone surrogate/,
    ],
    ['an order id past 2^53 - 1', (e: any) => (e.object_id = 2 ** 53), /object_id must be <= 9007199254740991/],
    ['a quantity past 1000', (e: any) => (e.payload.order_items[0].quantity = 1001), /quantity must be <= 1000/],
    ['a price past a million', (e: any) => (e.payload.order_items[0].price = 1_000_001), /price must be <= 1000000/],
    ['a cost past a trillion', (e: any) => (e.payload.cost = 1e13), /cost must be <= 1000000000000/],
    ['a leap second', (e: any) => (e.payload.update_ts = '2016-12-31T23:59:60Z'), /update_ts must match format "timestamp"/],
    ['year 0', (e: any) => (e.sent_dttm = '0000-01-01T00:00:00Z'), /sent_dttm must match format "timestamp"/],
    ['an unknown property (with a NUL in its name)', (e: any) => (e.payload['odd\u0000key'] = 1), /payload must NOT have additional properties/],
    ['an unknown property of an item', (e: any) => (e.payload.order_items[0].note = 'x'), /order_items\/0 must NOT have additional properties/],
    ['21 statuses', (e: any) => (e.payload.statuses = Array.from({ length: 21 }, () => e.payload.statuses[0])), /statuses must NOT have more than 20 items/],
  ])('refuses %s', (_, change, reason) => {
    const result = orderEventContract(mutated(valid, change));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.reason).toMatch(reason);
  });

  it('refuses a number that JSON.parse makes Infinity', () => {
    const json = JSON.stringify(valid).replace(/"cost":\d+/, '"cost":1e400');
    expect(orderEventContract(parsed(json)).ok).toBe(false);
  });
});

describe('enriched order and closed order contract bounds', () => {
  const enriched = enrichedOrder({ id: 1, status: 'CLOSED', products: [menu.soup] });
  const closed = toClosedOrderMessage(enriched);

  it('accept the fixtures', () => {
    expect(enrichedOrderContract(enriched).ok).toBe(true);
    expect(closedOrderContract(closed).ok).toBe(true);
  });

  it.each([
    ['a NUL in the user name', (o: any) => (o.payload.user.name = 'A\u0000')],
    ['a lone surrogate in the restaurant name', (o: any) => (o.payload.restaurant.name = '\udfff')],
    ['51 products', (o: any) => (o.payload.products = Array.from({ length: 51 }, () => o.payload.products[0]))],
    ['microseconds in update_ts', (o: any) => (o.payload.update_ts = '2025-11-20T10:00:00.000001Z')],
  ])('the enriched order refuses %s', (_, change) => {
    expect(enrichedOrderContract(mutated(enriched, change)).ok).toBe(false);
  });

  it.each([
    ['a NUL in a product name', (o: any) => (o.products[0].product_name = '\u0000')],
    ['an overlong category name', (o: any) => (o.products[0].category_name = 'c'.repeat(MAX_TEXT_LENGTH + 1))],
  ])('the closed order refuses %s', (_, change) => {
    expect(closedOrderContract(mutated(closed, change)).ok).toBe(false);
  });
});
