// End to end: the four services as separate processes, Kafka (the development broker or Apache
// Kafka, test/support/kafka-under-test.ts), real Postgres and Redis. Pushes a few thousand orders
// and checks every layer with SQL.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareWithGroundTruth } from '../../services/cdm/src/ground-truth.ts';
import { satelliteRepeats } from '../../services/dds/src/satellite-history.ts';
import type { TestDatabase } from '../support/database.ts';
import { startRunningPipeline, type RunningPipeline } from '../support/running-pipeline.ts';
import { SERVICE_NAMES, type ServiceFleet } from '../support/service-processes.ts';

const ORDERS = 3000;
const root = path.resolve(import.meta.dirname, '..', '..');

describe('pipeline end to end', () => {
  /** An npm script of the project (scripts/<name>.ts) run as a user runs it, against this test's database. */
  function npmScript(name: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', path.join(root, 'scripts', `${name}.ts`), ...args],
        { cwd: root, env: { ...process.env, DATABASE_URL: db.url } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  }

  /** Every row of the datamarts but the counting times. */
  async function datamarts(): Promise<unknown[]> {
    const { rows } = await db.pool.query(`
      SELECT 'product' AS kind, user_id, product_id AS item, product_name AS name, order_cnt FROM cdm.user_product_counters
      UNION ALL SELECT 'category', user_id, category_id, category_name, order_cnt FROM cdm.user_category_counters
      UNION ALL SELECT 'counted', order_id, NULL, NULL, NULL FROM cdm.counted_orders
      UNION ALL SELECT 'total', product_id, category_id, product_name || ' / ' || category_name, order_cnt FROM cdm.product_counters
      UNION ALL SELECT 'pair', product_id, other_product_id, NULL, order_cnt FROM cdm.product_pair_counters
      ORDER BY 1, 2, 3`);
    return rows;
  }

  let pipeline: RunningPipeline;
  let db: TestDatabase;
  let fleet: ServiceFleet;

  beforeAll(async () => {
    pipeline = await startRunningPipeline(4, { REF_USERS: '50', REF_RESTAURANTS: '8' });
    ({ db, fleet } = pipeline);
  }, 120_000);

  afterAll(async () => {
    await pipeline?.close();
  }, 60_000);

  it('every service reports healthy dependencies', async () => {
    for (const name of SERVICE_NAMES) {
      const response = await fetch(fleet.url(name, '/health'));
      const body = (await response.json()) as { status: string; checks: Record<string, { status: string }> };
      expect(response.status, name).toBe(200);
      expect(body.status).toBe('ok');
      expect(Object.keys(body.checks)).toContain('kafka');
      expect(Object.keys(body.checks)).toContain('postgres');
    }
  });

  it('pushes orders through stg, dds and cdm with exact counters', async () => {
    const response = await fetch(fleet.url('source', '/push'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ N: ORDERS }),
    });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'success', messages_pushed: ORDERS });

    await pipeline.drain(120_000);

    const one = async (sql: string) => Number((await db.pool.query<{ n: string }>(sql)).rows[0]!.n);
    expect(await one('SELECT count(*) AS n FROM stg.order_events')).toBe(ORDERS);
    expect(await one('SELECT count(*) AS n FROM dds.h_order')).toBe(ORDERS);
    expect(await one('SELECT count(DISTINCT h_order_pk) AS n FROM dds.s_order_status')).toBe(ORDERS);
    expect(await one('SELECT count(*) AS n FROM dds.l_order_user')).toBe(ORDERS);
    expect(await one('SELECT count(*) AS n FROM dds.h_user')).toBeLessThanOrEqual(50);
    expect(await one('SELECT count(*) AS n FROM public.dead_letters')).toBe(0);

    const closed = await one(`SELECT count(*) AS n FROM stg.order_events WHERE payload->>'final_status' = 'CLOSED'`);
    expect(closed).toBeGreaterThan(ORDERS / 2);
    expect(await one('SELECT count(*) AS n FROM cdm.counted_orders')).toBe(closed);
    // Every order line of a closed order is one (order, product) pair counted once.
    expect(await one('SELECT coalesce(sum(order_cnt), 0) AS n FROM cdm.user_product_counters')).toBe(
      await one(`SELECT count(*) AS n FROM stg.order_events e, jsonb_array_elements(e.payload->'order_items') WHERE e.payload->>'final_status' = 'CLOSED'`),
    );
    expect(await compareWithGroundTruth(db.pool)).toEqual([]);
    // Four partitions loaded concurrently: every satellite still holds changes only.
    expect(await satelliteRepeats(db.pool)).toEqual([]);
    expect(await one('SELECT count(*) AS n FROM dds.s_user_names')).toBe(await one('SELECT count(DISTINCT h_user_pk) AS n FROM dds.s_user_names'));
    // What each order bought: one line per item of the raw event, quantity and price as stg kept
    // them, adding up to the order's cost; one price per product (the menu does not change here).
    const lines = await db.pool.query<{ order_id: string; product_id: string; quantity: string; price: string }>(
      `SELECT o.order_id::text, p.product_id, s.quantity::text, trim_scale(s.price)::text AS price FROM dds.s_order_product_lines s
       JOIN dds.l_order_product l USING (hk_order_product_pk) JOIN dds.h_order o USING (h_order_pk) JOIN dds.h_product p USING (h_product_pk)`,
    );
    const items = await db.pool.query<{ order_id: string; product_id: string; quantity: string; price: string }>(
      `SELECT e.object_id::text AS order_id, i->>'id' AS product_id, i->>'quantity' AS quantity, i->>'price' AS price
       FROM stg.order_events e, jsonb_array_elements(e.payload->'order_items') i`,
    );
    const byLine = (rows: Array<{ order_id: string; product_id: string; quantity: string; price: string }>) =>
      rows.map((r) => `${r.order_id} ${r.product_id} ${r.quantity}@${r.price}`).sort();
    expect(lines.rows.length).toBeGreaterThan(ORDERS);
    expect(byLine(lines.rows)).toEqual(byLine(items.rows));
    expect(
      await one(`SELECT count(*) AS n FROM (
        SELECT l.h_order_pk, sum(s.quantity * s.price) AS total FROM dds.s_order_product_lines s JOIN dds.l_order_product l USING (hk_order_product_pk) GROUP BY l.h_order_pk
      ) t JOIN dds.s_order_cost c USING (h_order_pk) WHERE t.total <> c.cost`),
    ).toBe(0);
    expect(await one('SELECT count(*) AS n FROM dds.s_product_prices')).toBe(await one('SELECT count(*) AS n FROM dds.h_product'));
  });

  it("the cdm service's read API answers what stg holds: a user's whole history page by page, a product's companions", async () => {
    type StgOrder = { id: string; date: string; restaurant: string; status: string; items: Array<{ id: string; quantity: number; price: number }> };
    const { rows: stgOrders } = await db.pool.query<StgOrder & { user: string }>(
      `SELECT object_id::text AS id, payload->'user'->>'id' AS user, payload->>'date' AS date, payload->'restaurant'->>'id' AS restaurant,
              payload->>'final_status' AS status, payload->'order_items' AS items FROM stg.order_events`,
    );
    const byUser = new Map<string, StgOrder[]>();
    for (const order of stgOrders) byUser.set(order.user, [...(byUser.get(order.user) ?? []), order]);
    const [user, orders] = [...byUser].sort((a, b) => b[1].length - a[1].length)[0]!;

    const seen: Array<{
      order_id: number;
      date: string;
      restaurant: { restaurant_id: string };
      status: string;
      items: Array<{ product_id: string; quantity: number; price: number }>;
    }> = [];
    let url = `/users/${user}/orders?limit=7`;
    for (;;) {
      const page = await fetch(fleet.url('cdm', url));
      expect(page.status).toBe(200);
      const body = (await page.json()) as { orders: typeof seen; next_before: number | null };
      seen.push(...body.orders);
      if (body.next_before === null) break;
      url = `/users/${user}/orders?limit=7&before=${body.next_before}`;
    }
    const summary = (id: string, date: string, restaurant: string, status: string, items: Array<{ id: string; quantity: number; price: number }>) =>
      `${id} ${new Date(date).toISOString()} ${restaurant} ${status} ${items
        .map((i) => `${i.id}x${i.quantity}@${i.price}`)
        .sort()
        .join(',')}`;
    expect(
      seen
        .map((o) =>
          summary(
            String(o.order_id),
            o.date,
            o.restaurant.restaurant_id,
            o.status,
            o.items.map((i) => ({ id: i.product_id, quantity: i.quantity, price: i.price })),
          ),
        )
        .sort(),
    ).toEqual(orders.map((o) => summary(o.id, o.date, o.restaurant, o.status, o.items)).sort());
    const dates = seen.map((o) => o.date);
    expect(dates).toEqual([...dates].sort().reverse());

    // Companions of the most ordered product, counted here from stg's CLOSED orders.
    const together = new Map<string, Map<string, Set<string>>>();
    for (const order of stgOrders.filter((o) => o.status === 'CLOSED')) {
      for (const a of order.items)
        for (const b of order.items) {
          if (a.id === b.id) continue;
          const partners = together.get(a.id) ?? new Map<string, Set<string>>();
          partners.set(b.id, (partners.get(b.id) ?? new Set()).add(order.id));
          together.set(a.id, partners);
        }
    }
    const [product, partners] = [...together].sort((a, b) => b[1].size - a[1].size)[0]!;
    const also = await fetch(fleet.url('cdm', `/products/${product}/also-ordered?limit=50`));
    const body = (await also.json()) as { also_ordered: Array<{ product_id: string; orders_together: number }> };
    expect(Object.fromEntries(body.also_ordered.map((p) => [p.product_id, p.orders_together]))).toEqual(
      Object.fromEntries([...partners].map(([id, ids]) => [id, ids.size])),
    );
    const recommendations = await fetch(fleet.url('cdm', `/users/${user}/recommendations`));
    expect(recommendations.status).toBe(200);
    expect(((await recommendations.json()) as { recommendations: unknown[] }).recommendations).toHaveLength(10);
  });

  it('npm run reconcile finds the layers in agreement, and names a counter changed by hand', async () => {
    const agree = await npmScript('reconcile');
    expect(agree.code, agree.stderr).toBe(0);
    expect(agree.stdout).toContain(`stg  orders ${ORDERS}`);
    expect(agree.stdout).toMatch(/differing from SQL over dds: 0\ndead letters pending: none\nresult: the layers agree/);
    const { rows } = await db.pool.query<{ user_id: string; product_id: string; order_cnt: number }>(
      'UPDATE cdm.user_product_counters SET order_cnt = order_cnt + 1 WHERE ctid = (SELECT min(ctid) FROM cdm.user_product_counters) RETURNING user_id, product_id, order_cnt',
    );
    const { rows: pairs } = await db.pool.query<{ product_id: string; other_product_id: string; order_cnt: number }>(
      'DELETE FROM cdm.product_pair_counters WHERE ctid = (SELECT min(ctid) FROM cdm.product_pair_counters) RETURNING product_id, other_product_id, order_cnt',
    );
    const differ = await npmScript('reconcile');
    expect(differ.code).toBe(1);
    expect(differ.stdout).toContain('differing from SQL over dds: 2');
    const [changed, deleted] = [rows[0]!, pairs[0]!];
    expect(differ.stdout).toContain(
      `user_product_counters user_id=${changed.user_id} product_id=${changed.product_id}: dds says ${changed.order_cnt - 1}, counter ${changed.order_cnt}`,
    );
    expect(differ.stdout).toContain(
      `product_pair_counters product_id=${deleted.product_id} other_product_id=${deleted.other_product_id}: dds says ${deleted.order_cnt}, counter 0`,
    );
    expect(differ.stdout).toContain('result: 2 differences');
  });

  it('npm run rebuild -- --layer cdm recomputes the datamarts as streaming made them, also while orders flow', async () => {
    const rebuilt = await npmScript('rebuild', '--layer', 'cdm');
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stdout).toMatch(/^rebuilt cdm from dds in \d+ ms: \d+ counted orders/);
    // The hand-changed counter is repaired: the layers agree again, counted orders unchanged.
    expect((await npmScript('reconcile')).code).toBe(0);
    const streamed = await datamarts();
    expect((await npmScript('rebuild', '--layer', 'cdm')).code).toBe(0);
    expect(await datamarts()).toEqual(streamed);

    // While 2,000 more orders flow: rebuilt in the middle, nothing counted twice or lost.
    const pushed = fetch(fleet.url('source', '/push'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ N: 2000 }) });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await npmScript('rebuild', '--layer', 'cdm')).code).toBe(0);
    expect((await pushed).status).toBe(200);
    await pipeline.drain(120_000);
    const after = await npmScript('reconcile');
    expect(after.code, after.stdout).toBe(0);
    expect(after.stdout).toContain(`stg  orders ${ORDERS + 2000}`);
  });

  it('refuses another layer with usage and exit code 2', async () => {
    const refused = await npmScript('rebuild', '--layer', 'dds');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('usage: npm run rebuild -- --layer cdm');
  });

  it('stops every service cleanly on SIGTERM', async () => {
    for (const name of SERVICE_NAMES) expect(await fleet.stop(name), name).toBe(0);
  });
});
