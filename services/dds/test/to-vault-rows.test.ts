import { describe, expect, it } from 'vitest';
import { hubHashKey, linkHashKey } from '@orders-dwh/shared/vault';
import { toVaultRows } from '../src/to-vault-rows.ts';
import { hubs, links, satellites, vaultTables } from '../src/vault-model.ts';
import { enrichedOrder, hexId, menu } from './enriched-order-fixture.ts';

describe('toVaultRows', () => {
  const order = enrichedOrder({ id: 7, status: 'COOKING', updateTs: '2025-11-20T12:30:00+02:00', products: [menu.soup, menu.borscht, menu.tea] });
  const rows = toVaultRows([order], 'test');

  it('gives every table its rows: one per product, one per category for product tables', () => {
    const counts = Object.fromEntries(vaultTables.map((t) => [t.table, rows.get(t)?.length]));
    expect(counts).toEqual({
      h_user: 1,
      h_product: 3,
      h_category: 2,
      h_restaurant: 1,
      h_order: 1,
      l_order_product: 3,
      l_product_restaurant: 3,
      l_product_category: 3,
      l_order_user: 1,
      l_order_restaurant: 1,
      s_user_names: 1,
      s_product_names: 3,
      s_restaurant_names: 1,
      s_order_cost: 1,
      s_order_status: 1,
      s_order_product_lines: 3,
      s_product_prices: 3,
    });
  });

  it('keys hubs by their business keys and keeps the business keys', () => {
    expect(rows.get(hubs.order)).toEqual([{ h_order_pk: hubHashKey(7), order_id: 7, order_dt: '2025-11-20T10:00:00.000Z', load_src: 'test' }]);
    expect(rows.get(hubs.user)?.[0]).toMatchObject({ h_user_pk: hubHashKey(hexId(1)), user_id: hexId(1) });
    expect(
      rows
        .get(hubs.category)
        ?.map((r) => r.category_name)
        .sort(),
    ).toEqual(['Drinks', 'Soups']);
    expect(rows.get(hubs.category)?.find((r) => r.category_name === 'Soups')?.h_category_pk).toBe(hubHashKey('Soups'));
  });

  it('links the hub keys of the order', () => {
    const orderKey = hubHashKey(7);
    const teaKey = hubHashKey(menu.tea.id);
    expect(rows.get(links.orderProduct)?.find((r) => r.h_product_pk === teaKey)).toEqual({
      hk_order_product_pk: linkHashKey(orderKey, teaKey),
      h_order_pk: orderKey,
      h_product_pk: teaKey,
      load_src: 'test',
    });
    expect(rows.get(links.productCategory)?.find((r) => r.h_product_pk === teaKey)).toMatchObject({ h_category_pk: hubHashKey('Drinks') });
    expect(rows.get(links.orderUser)?.[0]).toMatchObject({ h_order_pk: orderKey, h_user_pk: hubHashKey(hexId(1)) });
  });

  it('files every status of the history the event carries at its own time, then the current one', () => {
    const history = [
      { status: 'OPEN' as const, dttm: '2025-11-20T10:00:00Z' },
      { status: 'COOKING' as const, dttm: '2025-11-20T12:05:00+02:00' },
      { status: 'CLOSED' as const, dttm: '2025-11-20T10:40:00.000Z' },
    ];
    const closed = enrichedOrder({ id: 8, status: 'CLOSED', updateTs: '2025-11-20T10:40:00.000Z' });
    const statusRows = toVaultRows([{ ...closed, payload: { ...closed.payload, statuses: history } }], 'test').get(satellites.orderStatus) ?? [];
    expect(statusRows.map((r) => [r.load_dt, r.status])).toEqual([
      ['2025-11-20T10:00:00.000Z', 'OPEN'],
      ['2025-11-20T10:05:00.000Z', 'COOKING'],
      ['2025-11-20T10:40:00.000Z', 'CLOSED'],
    ]);
  });

  it('dates satellites at the order update_ts, as a UTC instant, with a hashdiff', () => {
    const [status] = rows.get(satellites.orderStatus) ?? [];
    expect(status).toMatchObject({ h_order_pk: hubHashKey(7), load_dt: '2025-11-20T10:30:00.000Z', status: 'COOKING', load_src: 'test' });
    const closed = toVaultRows([enrichedOrder({ id: 7, status: 'CLOSED' })], 'test').get(satellites.orderStatus)?.[0];
    expect(closed?.hk_order_status_hashdiff).not.toBe(status.hk_order_status_hashdiff);
    expect(rows.get(satellites.orderCost)?.[0]).toMatchObject({ cost: order.payload.cost, payment: order.payload.payment });
    expect(rows.get(satellites.userNames)?.[0]).toMatchObject({ username: 'User 1', userlogin: 'user1' });
  });

  it("keeps what the order bought on its order–product links, and each product's price", () => {
    const orderKey = hubHashKey(7);
    for (const item of [menu.soup, menu.borscht, menu.tea]) {
      const line = rows.get(satellites.orderProductLines)?.find((r) => r.hk_order_product_pk === linkHashKey(orderKey, hubHashKey(item.id)));
      expect(line).toMatchObject({ quantity: item.quantity, price: item.price, load_dt: '2025-11-20T10:30:00.000Z' });
      expect(rows.get(satellites.productPrices)?.find((r) => r.h_product_pk === hubHashKey(item.id))).toMatchObject({ price: item.price });
    }
  });

  it('makes one line of a product listed twice, with the quantities added', () => {
    const twice = toVaultRows([enrichedOrder({ id: 8, products: [menu.tea, { ...menu.tea, quantity: 3 }, menu.soup] })], 'test');
    const lines = twice.get(satellites.orderProductLines) ?? [];
    expect(lines).toHaveLength(2);
    expect(lines.find((r) => r.hk_order_product_pk === linkHashKey(hubHashKey(8), hubHashKey(menu.tea.id)))).toMatchObject({
      quantity: menu.tea.quantity + 3,
      price: menu.tea.price,
    });
  });

  it('gives the same rows for the same order, whoever loads it', () => {
    expect(toVaultRows([structuredClone(order)], 'test')).toEqual(rows);
  });

  it('marks every row with its record source', () => {
    for (const tableRows of rows.values()) for (const row of tableRows) expect(row.load_src).toBe('test');
  });
});
