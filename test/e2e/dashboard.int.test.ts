// The dashboard in a real browser (Debian's Chromium through playwright-core), on the four services
// as processes: push with the form and watch cdm reach the count, refuse an N over the maximum with
// the server's message, look a user up and find what the read API says, name a stopped service.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumFound, chromiumRequired, launchChromium } from '../support/chromium.ts';
import type { TestDatabase } from '../support/database.ts';
import { startRunningPipeline, type RunningPipeline } from '../support/running-pipeline.ts';
import { SERVICE_NAMES, type ServiceFleet } from '../support/service-processes.ts';

const ORDERS = 500;
const MAX_N = 2000;
const root = path.resolve(import.meta.dirname, '..', '..');
/** Where the test leaves its screenshots (docs/dashboard.png is a copy of dashboard.png). */
export const SCREENSHOTS = path.join(root, '.test-output');

describe.runIf(chromiumRequired && !chromiumFound)('dashboard under CI', () => {
  it('has Chromium', () => expect.fail('/usr/bin/chromium is required under CI'));
});

describe.runIf(chromiumFound)('dashboard in a browser', () => {
  let pipeline: RunningPipeline;
  let db: TestDatabase;
  let fleet: ServiceFleet;
  let browser: Browser;
  let page: Page;

  const text = async (selector: string) => (await page.locator(selector).first().textContent()) ?? '';
  /** Waits until the element's text satisfies the check (the page polls once a second). */
  async function waitForText(selector: string, check: (text: string) => boolean, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = await text(selector).catch(() => '');
      if (check(last)) return last;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    throw new Error(`${selector} still says ${JSON.stringify(last)} after ${timeoutMs} ms`);
  }

  beforeAll(async () => {
    pipeline = await startRunningPipeline(3, { REF_USERS: '20', REF_RESTAURANTS: '4', CANCEL_SHARE: '0', PUSH_MAX_N: String(MAX_N) });
    ({ db, fleet } = pipeline);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(fleet.url('source', '/'));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await pipeline?.close();
  }, 60_000);

  it('shows every service healthy and the idle stream as flat, not broken', async () => {
    await waitForText('#summary', (t) => t.includes('All services healthy'));
    for (const name of SERVICE_NAMES) expect(await text(`#health-${name}`)).toBe('OK');
    expect(await text('#processed-cdm')).toBe('0');
    expect(await page.locator('#rate-chart canvas').count()).toBe(1);
  });

  it(`pushes ${ORDERS} orders with the form and shows cdm reaching ${ORDERS}`, async () => {
    await page.fill('#push-n', String(ORDERS));
    await page.press('#push-n', 'Enter'); // the keyboard submits the form
    await waitForText('#push-result', (t) => t === `Pushed ${ORDERS} orders.`);
    await waitForText('#processed-cdm', (t) => t === String(ORDERS));
    expect(await text('#processed-stg')).toBe(String(ORDERS));
    expect(await text('#processed-dds')).toBe(String(ORDERS));
    await waitForText('#lag-cdm', (t) => t === '0');
    // Freshness comes with the status, read every five seconds.
    await waitForText('#freshness', (t) => /500 orders .* p50 \d.* p99 \d/.test(t), 15_000);
    expect(await page.locator('#top-products li').count()).toBeGreaterThan(0);
  });

  it('refuses N above the maximum with the message POST /push gives', async () => {
    const direct = await fetch(fleet.url('source', '/push'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ N: MAX_N + 1 }),
    });
    const { message } = (await direct.json()) as { message: string };
    expect(direct.status).toBe(400);
    await page.fill('#push-n', String(MAX_N + 1));
    await page.click('#push-form button[type=submit]');
    await waitForText('#push-result', (t) => t.startsWith('Refused'));
    expect(await text('#push-result')).toBe(`Refused: ${message}`);
  });

  it('shows a dead letter as text, whatever it holds, and re-drives it', async () => {
    const reason = 'bad <img src=x onerror="document.title=1"> order';
    await db.pool.query(
      `INSERT INTO public.dead_letters (service, topic, partition, "offset", key, raw_value, encoding, reason) VALUES ('stg', 'stg_service', 0, 999999, 'k', '{"not": "an order"}', 'utf8', $1)`,
      [reason],
    );
    await waitForText('#dead-count', (t) => t.startsWith('1 pending (stg 1)'));
    expect(await text('#dead-latest li')).toBe(`stg: ${reason}`);
    expect(await page.locator('#dead-latest img').count()).toBe(0);
    await page.selectOption('#redrive-service', 'stg');
    await page.click('#redrive-form button[type=submit]');
    // "still pending" may already count the letter stg wrote when it failed again.
    await waitForText('#redrive-result', (t) => /^Sent 1 dead letter of stg back to their topics; [01] still pending\.$/.test(t));
    // Still not an order: stg dead-letters it again, with its own reason.
    await waitForText('#dead-count', (t) => t.startsWith('1 pending (stg 1), 1 re-driven'));
    expect(await text('#dead-latest li')).toMatch(/^stg: /);
  });

  it('looks a user up and shows the orders and recommendations the read API gives', async () => {
    const { rows } = await db.pool.query<{ user_id: string }>(
      `SELECT payload->'user'->>'id' AS user_id FROM stg.order_events GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`,
    );
    const userId = rows[0]!.user_id;
    await page.fill('#user-id', userId);
    await page.press('#user-id', 'Enter');
    await waitForText('#user-result', (t) => t.startsWith(`User ${userId}:`));

    const api = async <T>(route: string) => (await (await fetch(fleet.url('cdm', route))).json()) as T;
    const orders = await api<{ orders: Array<{ order_id: number }> }>(`/users/${userId}/orders?limit=10`);
    const recommendations = await api<{ recommendations: Array<{ product_id: string }> }>(`/users/${userId}/recommendations?limit=10`);
    const shownOrders = await page.locator('#user-orders tbody tr td:first-child').allInnerTexts();
    expect(shownOrders.map(Number)).toEqual(orders.orders.map((o) => o.order_id));
    expect(shownOrders.length).toBeGreaterThan(0);
    const shownProducts = await page.locator('#user-recommendations li').evaluateAll((items) => items.map((li) => li.getAttribute('data-product-id')));
    expect(shownProducts).toEqual(recommendations.recommendations.map((r) => r.product_id));

    mkdirSync(SCREENSHOTS, { recursive: true });
    // The first screen (docs/dashboard.png, at the top of the README), and the whole page.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard.png') });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-full.png'), fullPage: true });
  });

  it('says which service is down and keeps showing the rest', async () => {
    await fleet.stop('dds');
    await waitForText('#health-dds', (t) => t === 'UNREACHABLE', 20_000);
    expect(await text('#summary')).toMatch(/Not healthy: dds \(unreachable\)/);
    for (const name of ['source', 'stg', 'cdm']) expect(await text(`#health-${name}`)).toBe('OK');
    expect(await text('#processed-cdm')).toBe(String(ORDERS));
    await page.screenshot({ path: path.join(SCREENSHOTS, 'dashboard-dds-down.png'), fullPage: true });
  });

  it('fits a phone-width screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(1500);
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(1280);
  });
});
