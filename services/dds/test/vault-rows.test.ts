import { describe, expect, it } from 'vitest';
import { toVaultRows } from '../src/to-vault-rows.ts';
import { hubs, links, satellites } from '../src/vault-model.ts';
import { hubRow, mergeVaultRows, rowIdentity, satelliteRow } from '../src/vault-rows.ts';
import { enrichedOrder, menu, orderLifecycle } from './enriched-order-fixture.ts';

describe('mergeVaultRows', () => {
  it('keeps one row per hub and link key across the orders of a batch', () => {
    const merged = mergeVaultRows([
      toVaultRows(enrichedOrder({ id: 1, products: [menu.soup, menu.borscht] }), 't'),
      toVaultRows(enrichedOrder({ id: 2, products: [menu.soup, menu.steak] }), 't'),
    ]);
    expect(merged.get(hubs.user)).toHaveLength(1);
    expect(merged.get(hubs.order)).toHaveLength(2);
    expect(merged.get(hubs.product)).toHaveLength(3);
    expect(merged.get(hubs.category)?.map((r) => r.category_name).sort()).toEqual(['Main courses', 'Soups']);
    expect(merged.get(links.orderProduct)).toHaveLength(4);
    expect(merged.get(links.productRestaurant)).toHaveLength(3);
  });

  it('keeps every change of a satellite and one row per (key, load_dt), the last in batch order', () => {
    const [open, cooking] = orderLifecycle({ id: 5 }, ['OPEN', 'COOKING']);
    const sameInstantLater = enrichedOrder({ id: 5, status: 'CLOSED', updateTs: cooking.payload.update_ts });
    const merged = mergeVaultRows([cooking, open, open, sameInstantLater].map((o) => toVaultRows(o, 't')));
    expect(merged.get(satellites.orderStatus)?.map((r) => [r.load_dt, r.status])).toEqual([
      [open.payload.update_ts, 'OPEN'],
      [cooking.payload.update_ts, 'CLOSED'],
    ]);
    expect(merged.get(hubs.order)).toHaveLength(1);
  });

  it('sorts each table by identity so concurrent loaders lock rows in one order', () => {
    const merged = mergeVaultRows([9, 3, 6, 1].map((id) => toVaultRows(enrichedOrder({ id }), 't')));
    const identities = merged.get(hubs.order)!.map((row) => rowIdentity(hubs.order, row));
    expect(identities).toEqual([...identities].sort());
    expect(identities).toHaveLength(4);
  });
});

describe('row builders', () => {
  it('refuse rows missing a column of the model', () => {
    expect(() => hubRow(hubs.order, { order_id: 1 }, 't')).toThrow(/order_dt/);
    const user = hubRow(hubs.user, { user_id: 'u' }, 't');
    expect(() => satelliteRow(satellites.userNames, user, '2025-01-01T00:00:00Z', { username: 'x' }, 't')).toThrow(/userlogin/);
    expect(() => satelliteRow(satellites.userNames, user, 'yesterday', { username: 'x', userlogin: 'y' }, 't')).toThrow(/load_dt/);
  });
});
