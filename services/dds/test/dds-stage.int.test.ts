import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { ddsStage } from '../src/dds-stage.ts';
import { hubHashKey } from '@orders-dwh/shared/vault';
import { vaultTables } from '../src/vault-model.ts';
import { enrichedOrder, hexId, menu, orderLifecycle } from './enriched-order-fixture.ts';
import { runBatch } from '../../../test/support/run-batch.ts';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.drop();
});
beforeEach(async () => {
  await db.pool.query(`TRUNCATE ${vaultTables.map((t) => `dds.${t.table}`).join(', ')}`);
});

/** Every row of every vault table, in a stable order. */
async function dumpVault(): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const { table } of vaultTables) {
    const { rows } = await db.pool.query(`SELECT * FROM dds.${table}`);
    dump[table] = rows.map((row) => JSON.stringify(row)).sort();
  }
  return dump;
}

async function tableCounts(): Promise<Record<string, number>> {
  const dump = await dumpVault();
  return Object.fromEntries(Object.entries(dump).map(([table, rows]) => [table, rows.length]));
}

async function statusHistory(orderId: number): Promise<string[]> {
  const { rows } = await db.pool.query<{ status: string }>('SELECT status FROM dds.s_order_status WHERE h_order_pk = $1 ORDER BY load_dt', [
    hubHashKey(orderId),
  ]);
  return rows.map((row) => row.status);
}

const load = (orders: Parameters<typeof ddsStage.write>[1]) => runBatch(db.pool, ddsStage, orders);

describe('dds stage', () => {
  it('loads a batch into every table', async () => {
    const batch = [
      enrichedOrder({ id: 1, userId: 1, restaurantId: 1, products: [menu.soup, menu.borscht] }),
      enrichedOrder({ id: 2, userId: 2, restaurantId: 1, products: [menu.soup, menu.steak] }),
      enrichedOrder({ id: 3, userId: 1, restaurantId: 2, products: [menu.tea], status: 'CLOSED' }),
    ];
    const messages = await load(batch);
    expect(await tableCounts()).toEqual({
      h_user: 2,
      h_product: 4,
      h_category: 3,
      h_restaurant: 2,
      h_order: 3,
      l_order_product: 5,
      l_product_restaurant: 4,
      l_product_category: 4,
      l_order_user: 3,
      l_order_restaurant: 3,
      s_user_names: 2,
      s_product_names: 4,
      s_restaurant_names: 2,
      s_order_cost: 3,
      s_order_status: 3,
      s_order_product_lines: 5,
      s_product_prices: 4,
    });
    expect(messages.map((m) => m.key)).toEqual(['3']);
    const { rows } = await db.pool.query('SELECT order_id, order_dt, load_src FROM dds.h_order WHERE order_id = 3');
    expect(rows).toEqual([{ order_id: '3', order_dt: new Date('2025-11-20T10:00:00Z'), load_src: 'stg_service' }]);
  });

  it('keeps the price each order paid when the menu price changes, and the price history once per change', async () => {
    const dearer = { ...menu.soup, price: 320 };
    const orders = [
      enrichedOrder({ id: 1, products: [menu.soup], updateTs: '2025-11-20T10:00:00.000Z' }),
      enrichedOrder({ id: 2, products: [{ ...menu.soup, quantity: 2 }], updateTs: '2025-11-20T11:00:00.000Z' }),
      enrichedOrder({ id: 3, products: [dearer], updateTs: '2025-11-20T12:00:00.000Z' }),
    ];
    // The dearer order first, then the older ones, then all again: arrival order must not matter.
    await load([orders[2]!]);
    await load([orders[0]!, orders[1]!]);
    await load(orders);
    const lines = await db.pool.query<{ order_id: string; quantity: string; price: string }>(
      `SELECT o.order_id, s.quantity, trim_scale(s.price)::text AS price FROM dds.s_order_product_lines s
       JOIN dds.l_order_product l USING (hk_order_product_pk) JOIN dds.h_order o USING (h_order_pk) ORDER BY o.order_id`,
    );
    expect(lines.rows).toEqual([
      { order_id: '1', quantity: '1', price: '300' },
      { order_id: '2', quantity: '2', price: '300' },
      { order_id: '3', quantity: '1', price: '320' },
    ]);
    const prices = await db.pool.query<{ price: string; load_dt: Date }>(
      'SELECT trim_scale(price)::text AS price, load_dt FROM dds.s_product_prices WHERE h_product_pk = $1 ORDER BY load_dt',
      [hubHashKey(menu.soup.id)],
    );
    expect(prices.rows).toEqual([
      { price: '300', load_dt: new Date('2025-11-20T10:00:00.000Z') },
      { price: '320', load_dt: new Date('2025-11-20T12:00:00.000Z') },
    ]);
  });

  it('keeps a product in the category it was first loaded with, and dead-letters an order that names another', async () => {
    const dessertTea = { ...menu.tea!, category: 'Desserts' };
    await load([enrichedOrder({ id: 1, products: [menu.tea!], status: 'CLOSED' })]);
    const batch = [
      enrichedOrder({ id: 2, products: [menu.soup!, dessertTea], status: 'CLOSED' }),
      // The same category written otherwise is the same category hub.
      enrichedOrder({ id: 3, products: [{ ...menu.tea!, category: ' drinks ' }], status: 'CLOSED' }),
      // A product new to the vault takes the category of its first order here; a later one may not change it.
      enrichedOrder({ id: 4, products: [{ ...menu.steak!, category: 'Grill' }] }),
      enrichedOrder({ id: 5, products: [menu.steak!], status: 'CLOSED' }),
      enrichedOrder({ id: 6, products: [menu.borscht!, { ...menu.borscht!, category: 'Starters', quantity: 1 }] }),
    ];
    const rejected: Array<{ item: (typeof batch)[number]; reason: string }> = [];
    const messages = await runBatch(db.pool, ddsStage, batch, new Date(), rejected);
    expect(rejected.map((r) => [r.item.object_id, r.reason])).toEqual([
      [2, `a product keeps the category it was first loaded with: product ${menu.tea!.id} is in "Drinks", not "Desserts"`],
      [5, `a product keeps the category it was first loaded with: product ${menu.steak!.id} is in "Grill", not "Main courses"`],
      [6, `a product keeps the category it was first loaded with: product ${menu.borscht!.id} is in "Soups", not "Starters"`],
    ]);
    expect(messages.map((m) => m.key)).toEqual(['3']);
    const { rows } = await db.pool.query<{ product_id: string; categories: string[] }>(
      `SELECT p.product_id, array_agg(c.category_name ORDER BY c.category_name) AS categories
         FROM dds.l_product_category pc JOIN dds.h_product p USING (h_product_pk) JOIN dds.h_category c USING (h_category_pk)
        GROUP BY 1 ORDER BY 1`,
    );
    expect(rows).toEqual([
      { product_id: menu.steak!.id, categories: ['Grill'] },
      { product_id: menu.tea!.id, categories: ['Drinks'] },
    ]);
    const { rows: orders } = await db.pool.query<{ order_id: string }>('SELECT order_id FROM dds.h_order ORDER BY 1');
    expect(orders.map((o) => o.order_id)).toEqual(['1', '3', '4']);
  });

  it('refuses a second category of a product even from a loader that did not see the first (the unique index)', async () => {
    const first = await db.pool.connect();
    const second = await db.pool.connect();
    try {
      await first.query('BEGIN');
      await ddsStage.write(first, [enrichedOrder({ id: 1, products: [menu.tea!] })], { loadDt: new Date(), reject: () => {} });
      await second.query('BEGIN');
      const racing = ddsStage.write(second, [enrichedOrder({ id: 2, products: [{ ...menu.tea!, category: 'Desserts' }] })], {
        loadDt: new Date(),
        reject: () => {},
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      await first.query('COMMIT');
      await expect(racing).rejects.toMatchObject({ code: '23505', constraint: 'l_product_category_one_per_product' });
    } finally {
      await second.query('ROLLBACK');
      first.release();
      second.release();
    }
  });

  it('changes nothing when the same batch is loaded again', async () => {
    const batch = [
      ...orderLifecycle({ id: 1, products: [menu.soup, menu.tea] }, ['OPEN', 'COOKING', 'CLOSED']),
      enrichedOrder({ id: 2, userId: 2, status: 'CANCELLED' }),
    ];
    const firstMessages = await runBatch(db.pool, ddsStage, batch, new Date('2025-11-21T00:00:00Z'));
    const before = await dumpVault();
    const againMessages = await runBatch(db.pool, ddsStage, batch, new Date('2025-11-21T01:00:00Z'));
    expect(await dumpVault()).toEqual(before);
    expect(againMessages).toEqual(firstMessages); // replays forward again; cdm counts each order once
  });

  it('keeps OPEN then CLOSED as two status rows; a late replay of OPEN changes nothing', async () => {
    const [open, closed] = orderLifecycle({ id: 8 }, ['OPEN', 'CLOSED']);
    expect(await load([open])).toEqual([]);
    const messages = await load([closed]);
    expect(messages.map((m) => m.key)).toEqual(['8']);
    expect(await statusHistory(8)).toEqual(['OPEN', 'CLOSED']);

    const before = await dumpVault();
    await load([open]);
    await load([closed]);
    expect(await dumpVault()).toEqual(before);
  });

  it('builds the same history when CLOSED arrives before OPEN', async () => {
    const [open, closed] = orderLifecycle({ id: 9 }, ['OPEN', 'CLOSED']);
    await load([closed]);
    await load([open]);
    expect(await statusHistory(9)).toEqual(['OPEN', 'CLOSED']);
  });

  it('files several events of one order in one batch in update_ts order', async () => {
    const [open, cooking, delivering, closed] = orderLifecycle({ id: 4 }, ['OPEN', 'COOKING', 'DELIVERING', 'CLOSED']);
    const messages = await load([cooking, open, closed, delivering, closed]);
    expect(await statusHistory(4)).toEqual(['OPEN', 'COOKING', 'DELIVERING', 'CLOSED']);
    expect(messages.map((m) => m.key)).toEqual(['4']);
    // The cost did not change between the events: one cost row, dated at the first event.
    const { rows } = await db.pool.query('SELECT load_dt FROM dds.s_order_cost');
    expect(rows).toEqual([{ load_dt: new Date(open.payload.update_ts) }]);
  });

  it('drops a repeated status within a batch but keeps a change back', async () => {
    const times = ['2025-11-20T10:00:00Z', '2025-11-20T10:01:00Z', '2025-11-20T10:02:00Z', '2025-11-20T10:03:00Z'];
    const statuses = ['OPEN', 'OPEN', 'COOKING', 'OPEN'] as const;
    await load(statuses.map((status, i) => enrichedOrder({ id: 5, status, updateTs: times[i] })));
    expect(await statusHistory(5)).toEqual(['OPEN', 'COOKING', 'OPEN']);
  });

  it('compares batch rows with stored history around them', async () => {
    // Stored: "Bob" at 10:02. Then one batch with "Ann" at 10:01 and "Ann" at 10:03: both are changes.
    await load([enrichedOrder({ id: 1, userName: 'Bob', updateTs: '2025-11-20T10:02:00Z' })]);
    await load([
      enrichedOrder({ id: 2, userName: 'Ann', updateTs: '2025-11-20T10:01:00Z' }),
      enrichedOrder({ id: 3, userName: 'Ann', updateTs: '2025-11-20T10:03:00Z' }),
    ]);
    const { rows } = await db.pool.query('SELECT username FROM dds.s_user_names ORDER BY load_dt');
    expect(rows.map((r) => r.username)).toEqual(['Ann', 'Bob', 'Ann']);
  });

  it('takes a batch that replays stored rows amid new ones against the stored history', async () => {
    // Stored: OPEN at 10:00 and COOKING at 10:02. The batch replays both and adds OPEN at 10:01 and
    // COOKING at 10:03: 10:01 repeats its predecessor (OPEN at 10:00), 10:03 repeats COOKING at 10:02.
    const at = (minute: number) => `2025-11-20T10:0${minute}:00.000Z`;
    const event = (status: 'OPEN' | 'COOKING' | 'CLOSED', minute: number) => enrichedOrder({ id: 6, status, updateTs: at(minute) });
    await load([event('OPEN', 0), event('COOKING', 2)]);
    await load([event('OPEN', 0), event('OPEN', 1), event('COOKING', 2), event('COOKING', 3), event('CLOSED', 4)]);
    const { rows } = await db.pool.query('SELECT status, load_dt FROM dds.s_order_status ORDER BY load_dt');
    expect(rows).toEqual([
      { status: 'OPEN', load_dt: new Date(at(0)) },
      { status: 'COOKING', load_dt: new Date(at(2)) },
      { status: 'CLOSED', load_dt: new Date(at(4)) },
    ]);
  });

  it('adds a user name row when the name changes, not when it stays', async () => {
    await load([enrichedOrder({ id: 1, userName: 'Ann Smith', updateTs: '2025-11-20T10:00:00Z' })]);
    await load([enrichedOrder({ id: 2, userName: 'Ann Smith', updateTs: '2025-11-20T11:00:00Z' })]);
    await load([enrichedOrder({ id: 3, userName: 'Ann Jones', updateTs: '2025-11-20T12:00:00Z' })]);
    const { rows } = await db.pool.query('SELECT username, load_dt FROM dds.s_user_names WHERE h_user_pk = $1 ORDER BY load_dt', [hubHashKey(hexId(1))]);
    expect(rows).toEqual([
      { username: 'Ann Smith', load_dt: new Date('2025-11-20T10:00:00Z') },
      { username: 'Ann Jones', load_dt: new Date('2025-11-20T12:00:00Z') },
    ]);
    expect((await tableCounts()).h_user).toBe(1);
  });

  it('stamps new hub and link keys with the batch load_dt and never restamps them', async () => {
    const first = new Date('2025-11-21T00:00:00Z');
    await runBatch(db.pool, ddsStage, [enrichedOrder({ id: 1 })], first);
    await runBatch(db.pool, ddsStage, [enrichedOrder({ id: 2 })], new Date('2025-11-21T05:00:00Z'));
    const { rows } = await db.pool.query('SELECT DISTINCT load_dt FROM dds.h_user UNION SELECT DISTINCT load_dt FROM dds.l_product_restaurant');
    expect(rows).toEqual([{ load_dt: first }]);
  });
});
