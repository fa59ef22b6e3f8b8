import { describe, expect, it } from 'vitest';
import { toVaultRows } from '../src/to-vault-rows.ts';
import { hubs, links, satellites, vaultTables } from '../src/vault-model.ts';
import { hubRow, satelliteRow, VaultBatch } from '../src/vault-rows.ts';
import { enrichedOrder, menu, orderLifecycle } from './enriched-order-fixture.ts';

describe('the vault rows of a batch', () => {
  it('keeps one row per hub and link key across the orders of a batch', () => {
    const merged = toVaultRows(
      [enrichedOrder({ id: 1, products: [menu.soup, menu.borscht] }), enrichedOrder({ id: 2, products: [menu.soup, menu.steak] })],
      't',
    );
    expect(merged.get(hubs.user)).toHaveLength(1);
    expect(merged.get(hubs.order)).toHaveLength(2);
    expect(merged.get(hubs.product)).toHaveLength(3);
    expect(
      merged
        .get(hubs.category)
        ?.map((r) => r.category_name)
        .sort(),
    ).toEqual(['Main courses', 'Soups']);
    expect(merged.get(links.orderProduct)).toHaveLength(4);
    expect(merged.get(links.productRestaurant)).toHaveLength(3);
  });

  it('keeps every change of a satellite and one row per (key, load_dt), the last in batch order', () => {
    const [open, cooking] = orderLifecycle({ id: 5 }, ['OPEN', 'COOKING']);
    const sameInstantLater = enrichedOrder({ id: 5, status: 'CLOSED', updateTs: cooking.payload.update_ts });
    const merged = toVaultRows([cooking, open, open, sameInstantLater], 't');
    expect(merged.get(satellites.orderStatus)?.map((r) => [r.load_dt, r.status])).toEqual([
      [open.payload.update_ts, 'OPEN'],
      [cooking.payload.update_ts, 'CLOSED'],
    ]);
    expect(merged.get(hubs.order)).toHaveLength(1);
  });

  it('sorts each table by identity so concurrent loaders lock rows in one order', () => {
    const merged = toVaultRows(
      [9, 3, 6, 1].map((id) => enrichedOrder({ id })),
      't',
    );
    const identities = merged.get(hubs.order)!.map((row) => row.h_order_pk);
    expect(identities).toEqual([...identities].sort());
    expect(identities).toHaveLength(4);
  });
});

describe('row builders', () => {
  it('refuse rows missing a column of the model', () => {
    expect(() => hubRow(hubs.order, { order_id: 1 }, 't')).toThrow(/order_dt/);
    const user = hubRow(hubs.user, { user_id: 'u' }, 't').h_user_pk as string;
    expect(() => satelliteRow(satellites.userNames, user, '2025-01-01T00:00:00Z', { username: 'x' }, 't')).toThrow(/userlogin/);
    expect(() => satelliteRow(satellites.userNames, user, 'yesterday', { username: 'x', userlogin: 'y' }, 't')).toThrow(/load_dt/);
  });

  it('build each hub and link once per batch, keeping the first row', () => {
    const batch = new VaultBatch('t');
    const first = batch.hub(hubs.order, { order_id: 1, order_dt: '2025-01-01T00:00:00.000Z' });
    expect(batch.hub(hubs.order, { order_id: 1, order_dt: '2025-02-01T00:00:00.000Z' })).toBe(first);
    const user = batch.hub(hubs.user, { user_id: 'u' });
    const at = { order_dt: '2025-01-01T00:00:00.000Z' };
    expect(batch.link(links.orderUser, [first, user], at)).toBe(batch.link(links.orderUser, [first, user], { order_dt: '2025-03-01T00:00:00.000Z' }));
    const rows = batch.rows();
    expect(rows.get(hubs.order)).toEqual([{ h_order_pk: first, order_id: 1, order_dt: '2025-01-01T00:00:00.000Z', load_src: 't' }]);
    expect(rows.get(links.orderUser)).toEqual([
      { hk_order_user_pk: expect.any(String), h_order_pk: first, h_user_pk: user, order_dt: at.order_dt, load_src: 't' },
    ]);
    expect(() => batch.link(links.orderUser, [user, first])).toThrow(/order_dt/);
    expect(rows.get(hubs.product)).toEqual([]);
  });

  it('give every table, in model order, its rows sorted by identity: hash key, or parent key then load_dt; the last row of an instant wins', () => {
    const batch = new VaultBatch('t');
    const at = (minute: number) => new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString();
    const orders = [3, 1, 2].map((id) => batch.hub(hubs.order, { order_id: id, order_dt: at(0) }));
    for (const [order, minute, status] of [
      [orders[0]!, 5, 'CLOSED'],
      [orders[1]!, 2, 'OPEN'],
      [orders[0]!, 1, 'OPEN'],
      [orders[2]!, 3, 'OPEN'],
      [orders[1]!, 1, 'OPEN'],
      [orders[0]!, 5, 'CANCELLED'],
    ] as const)
      batch.satellite(satellites.orderStatus, order, at(minute), { status });
    const rows = batch.rows();
    expect([...rows.keys()]).toEqual(vaultTables);
    expect(rows.get(hubs.order)!.map((r) => r.h_order_pk)).toEqual([...orders].sort());
    const expected = [
      [orders[0]!, at(1), 'OPEN'],
      [orders[0]!, at(5), 'CANCELLED'],
      [orders[1]!, at(1), 'OPEN'],
      [orders[1]!, at(2), 'OPEN'],
      [orders[2]!, at(3), 'OPEN'],
    ].sort(([a, x], [b, y]) => (`${a} ${x}` < `${b} ${y}` ? -1 : 1));
    expect(rows.get(satellites.orderStatus)!.map((r) => [r.h_order_pk, r.load_dt, r.status])).toEqual(expected);
  });
});
