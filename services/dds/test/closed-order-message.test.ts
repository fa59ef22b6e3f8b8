import { describe, expect, it } from 'vitest';
import { closedOrderContract } from '@orders-dwh/shared/contracts';
import { closedOrderMessages, toClosedOrderMessage } from '../src/closed-order-message.ts';
import { toVaultRows } from '../src/to-vault-rows.ts';
import { hubs } from '../src/vault-model.ts';
import { enrichedOrder, menu, orderLifecycle } from './enriched-order-fixture.ts';

describe('closed order message', () => {
  it('carries the vault hub keys of the order, user, products and categories', () => {
    const order = enrichedOrder({ id: 11, status: 'CLOSED', products: [menu.soup, menu.tea] });
    const rows = toVaultRows([order], 't');
    const categoryKey = (name: string) => rows.get(hubs.category)?.find((r) => r.category_name === name)?.h_category_pk;
    const productKey = (id: string) => rows.get(hubs.product)?.find((r) => r.product_id === id)?.h_product_pk;
    const message = toClosedOrderMessage(order);
    expect(message.order_id).toBe(rows.get(hubs.order)?.[0].h_order_pk);
    expect(message.user_id).toBe(rows.get(hubs.user)?.[0].h_user_pk);
    expect(message.products).toEqual([
      { product_id: productKey(menu.soup.id), product_name: 'Tomato soup', category_id: categoryKey('Soups'), category_name: 'Soups' },
      { product_id: productKey(menu.tea.id), product_name: 'Green tea', category_id: categoryKey('Drinks'), category_name: 'Drinks' },
    ]);
    expect(closedOrderContract(message).ok).toBe(true);
  });

  it('lists a product once even if the order repeats it', () => {
    const order = enrichedOrder({ id: 12, status: 'CLOSED', products: [menu.soup, { ...menu.soup, quantity: 4 }] });
    expect(toClosedOrderMessage(order).products).toHaveLength(1);
  });

  it('is sent once per CLOSED order of a batch, keyed by order id', () => {
    const batch = [
      ...orderLifecycle({ id: 1 }, ['OPEN', 'CLOSED']),
      ...orderLifecycle({ id: 2 }, ['OPEN', 'CANCELLED']),
      enrichedOrder({ id: 3, status: 'CLOSED' }),
      enrichedOrder({ id: 3, status: 'CLOSED' }),
    ];
    const messages = closedOrderMessages(batch);
    expect(messages.map((m) => m.key)).toEqual(['1', '3']);
    expect(messages[1].value).toEqual(toClosedOrderMessage(batch[4]));
  });
});
