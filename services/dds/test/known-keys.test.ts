import { describe, expect, it } from 'vitest';
import { KnownVaultKeys } from '../src/known-keys.ts';
import { toVaultRows } from '../src/to-vault-rows.ts';
import { hubs, links, satellites } from '../src/vault-model.ts';
import { enrichedOrder, menu } from './enriched-order-fixture.ts';

describe('known vault keys', () => {
  const first = toVaultRows([enrichedOrder({ id: 1, userId: 1, products: [menu.soup] })], 't');
  const second = toVaultRows([enrichedOrder({ id: 2, userId: 1, products: [menu.soup, menu.tea] })], 't');

  it('drops the hub and link rows remembered, keeps every satellite row', () => {
    const known = new KnownVaultKeys();
    expect(known.withoutKnown(second)).toEqual(second);
    known.remember(first);
    const fresh = known.withoutKnown(second);
    expect(fresh.get(hubs.user)).toEqual([]);
    expect(fresh.get(hubs.product)?.map((r) => r.product_id)).toEqual([menu.tea.id]);
    expect(fresh.get(hubs.order)).toEqual(second.get(hubs.order));
    expect(fresh.get(links.orderProduct)).toHaveLength(2);
    expect(fresh.get(links.productRestaurant)).toHaveLength(1);
    expect(fresh.get(satellites.userNames)).toEqual(second.get(satellites.userNames));
    expect(fresh.get(satellites.productNames)).toHaveLength(2);
  });

  it('keys each table apart', () => {
    const known = new KnownVaultKeys();
    known.remember(new Map([[hubs.user, first.get(hubs.user)!]]));
    expect(known.withoutKnown(first).get(hubs.user)).toEqual([]);
    expect(known.withoutKnown(first).get(hubs.product)).toHaveLength(1);
  });

  it('is bounded: keys not seen for two generations are forgotten, recurring ones stay', () => {
    const known = new KnownVaultKeys(2);
    const orderRows = (id: number) => toVaultRows([enrichedOrder({ id })], 't');
    known.remember(orderRows(1));
    for (let id = 2; id <= 6; id++) {
      known.remember(orderRows(id));
      expect(known.withoutKnown(orderRows(100)).get(hubs.user)).toEqual([]);
    }
    expect(known.withoutKnown(orderRows(1)).get(hubs.order)).toHaveLength(1);
    expect(known.withoutKnown(orderRows(6)).get(hubs.order)).toEqual([]);
  });
});
