import { describe, expect, it } from 'vitest';
import { checkOrderIdentities, identityChanges, orderIdentity } from '../src/order-identity.ts';
import { orderEvent, restaurant } from './order-fixtures.ts';

const [borscht, pelmeni, kompot] = restaurant.menu;

describe('orderIdentity', () => {
  it('is the same for the same order whatever the order of its items or the offset its date is written with', () => {
    const event = orderEvent(1, 'OPEN', { itemIds: [borscht.id, kompot.id] });
    const reordered = structuredClone(event);
    reordered.payload.order_items.reverse();
    reordered.payload.date = '2025-03-01T12:30:00.000+02:30';
    expect(orderIdentity(reordered.payload)).toEqual(orderIdentity(event.payload));
  });

  it('is the same for an item listed twice as for its one line, the quantities added up', () => {
    const event = orderEvent(1, 'OPEN', { itemIds: [borscht.id] });
    const split = structuredClone(event);
    split.payload.order_items = [
      { ...event.payload.order_items[0]!, quantity: 1 },
      { ...event.payload.order_items[0]!, quantity: 2 },
    ];
    event.payload.order_items[0]!.quantity = 3;
    expect(orderIdentity(split.payload)).toEqual(orderIdentity(event.payload));
  });

  it('differs in a quantity or a price paid', () => {
    const event = orderEvent(1, 'OPEN');
    const more = structuredClone(event);
    more.payload.order_items[0]!.quantity += 1;
    const dearer = structuredClone(event);
    dearer.payload.order_items[0]!.price += 1;
    expect(identityChanges(orderIdentity(event.payload), orderIdentity(more.payload))).toEqual([
      `items [${borscht.id} ×1 at 300, ${kompot.id} ×2 at 120] → [${borscht.id} ×2 at 300, ${kompot.id} ×2 at 120]`,
    ]);
    expect(identityChanges(orderIdentity(event.payload), orderIdentity(dearer.payload))).toEqual([
      `items [${borscht.id} ×1 at 300, ${kompot.id} ×2 at 120] → [${borscht.id} ×1 at 301, ${kompot.id} ×2 at 120]`,
    ]);
  });
});

describe('checkOrderIdentities', () => {
  const item = (event: ReturnType<typeof orderEvent>) => ({ event });

  it('holds each order to its stored identity, else to its first event kept here, in topic order', () => {
    const stored = new Map([[1, orderIdentity(orderEvent(1, 'OPEN').payload)]]);
    const batch = [
      item(orderEvent(1, 'CLOSED', { itemIds: [pelmeni.id] })),
      item(orderEvent(1, 'CLOSED')),
      item(orderEvent(2, 'OPEN', { itemIds: [pelmeni.id] })),
      item(orderEvent(2, 'CLOSED')),
      item(orderEvent(2, 'CLOSED', { itemIds: [pelmeni.id] })),
    ];
    const { kept, changed } = checkOrderIdentities(batch, stored);
    expect(kept).toEqual([batch[1], batch[2], batch[4]]);
    expect(changed.map(({ item, reason }) => [batch.indexOf(item), reason])).toEqual([
      [0, expect.stringMatching(/^order 1 cannot change its user, restaurant, date or items once stored: items \[.*\] → \[.*\]$/)],
      [3, expect.stringMatching(/^order 2 cannot change .*: items \[ccccccccccccccccccccccc2 ×1 at 450\] → /)],
    ]);
  });

  it('names every field that changed', () => {
    const was = orderIdentity(orderEvent(1, 'OPEN').payload);
    const now = orderIdentity(
      orderEvent(1, 'OPEN', { userId: 'f'.repeat(24), restaurantId: 'e'.repeat(24), start: '2025-03-01T10:00:00.001Z', itemIds: [kompot.id] }).payload,
    );
    expect(identityChanges(was, now).map((c) => c.split(' ')[0])).toEqual(['user', 'restaurant', 'date', 'items']);
    expect(identityChanges(was, was)).toEqual([]);
  });
});
