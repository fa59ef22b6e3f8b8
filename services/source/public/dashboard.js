// The dashboard page: polls the shared snapshot once a second and renders it; the forms call
// POST /push, the re-drive and the user search. Every value goes in as text (dead-letter reasons
// hold whatever a producer sent), never as HTML.
import uPlot from '/dashboard/vendor/uPlot.esm.js';

const POLL_MS = 1000;
const LAYERS = ['stg', 'dds', 'cdm'];
const number = new Intl.NumberFormat('en');
const $ = (id) => document.getElementById(id);

/** An element with attributes and children (strings become text nodes). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  node.append(...children.map((child) => (child instanceof Node ? child : document.createTextNode(String(child)))));
  return node;
}

const count = (value) => (value === null || value === undefined ? 'unknown' : number.format(value));
const seconds = (value) => (value === null ? '—' : value < 1 ? `${Math.round(value * 1000)} ms` : `${value.toFixed(value < 10 ? 2 : 1)} s`);
const statusWord = { ok: 'OK', failing: 'FAILING', unreachable: 'UNREACHABLE' };

function fillRows(tbody, rows) {
  tbody.replaceChildren(...rows.map((cells) => el('tr', {}, ...cells)));
}

// ---- the rate chart -------------------------------------------------------------------------
let chart = null;
function chartWidth() {
  return Math.max(240, $('rate-chart').clientWidth || 600);
}
function drawRates(rates) {
  const data = [rates.t, ...LAYERS.map((layer) => rates[layer])];
  if (!chart) {
    chart = new uPlot(
      {
        width: chartWidth(),
        height: 220,
        // Always the last 5 minutes, so that an idle stream is a flat line across the chart.
        scales: { x: { time: true, range: (_u, _min, max) => [max - 300, max] }, y: { range: (_u, _min, max) => [0, Math.max(1, max ?? 0) * 1.1] } },
        axes: [{}, { label: 'per second', size: 60 }],
        series: [
          {},
          { label: 'stg', stroke: '#1a5fb4', width: 2 },
          { label: 'dds', stroke: '#c64600', width: 2, dash: [8, 4] },
          { label: 'cdm', stroke: '#1b6e3a', width: 2, dash: [2, 3] },
        ],
      },
      data,
      $('rate-chart'),
    );
    new ResizeObserver(() => chart.setSize({ width: chartWidth(), height: 220 })).observe($('rate-chart'));
  } else {
    chart.setData(data);
  }
}

// ---- the snapshot ---------------------------------------------------------------------------
function render(snapshot) {
  fillRows(
    $('layers').tBodies[0],
    snapshot.layers.map((layer) => [
      el('th', { scope: 'row' }, layer.layer),
      el('td', {}, layer.topic),
      el('td', { class: 'number', id: `processed-${layer.layer}` }, count(layer.processed)),
      el('td', { class: 'number', id: `rate-${layer.layer}` }, layer.ratePerSecond === null ? '—' : number.format(Math.round(layer.ratePerSecond))),
      el('td', { class: 'number', id: `lag-${layer.layer}` }, count(layer.lag)),
    ]),
  );
  const fresh = snapshot.freshness;
  $('freshness').textContent = !fresh
    ? 'Freshness: unknown (cdm does not answer /metrics)'
    : fresh.orders === 0
      ? `Freshness: no order counted ${fresh.windowSeconds === null ? 'since cdm started' : `in the last ${fresh.windowSeconds} s`}.`
      : `Freshness, CLOSED to counted (${number.format(fresh.orders)} orders ${fresh.windowSeconds === null ? 'since cdm started' : `in the last ${fresh.windowSeconds} s`}): p50 ${seconds(fresh.p50Seconds)}, p99 ${seconds(fresh.p99Seconds)}.`;
  drawRates(snapshot.rates);

  fillRows(
    $('health').tBodies[0],
    snapshot.services.map((service) => [
      el('th', { scope: 'row' }, service.name),
      el('td', { class: service.status === 'ok' ? 'status-ok' : 'status-bad', id: `health-${service.name}` }, statusWord[service.status]),
      el('td', { class: 'detail' }, service.detail ?? ''),
    ]),
  );
  $('problems').replaceChildren(...snapshot.problems.map((problem) => el('li', {}, problem)));

  const dead = snapshot.deadLetters;
  if (dead) {
    const byService = Object.entries(dead.pendingByService).map(([service, n]) => `${service} ${number.format(n)}`);
    $('dead-count').textContent =
      `${number.format(dead.pending)} pending${byService.length ? ` (${byService.join(', ')})` : ''}, ${number.format(dead.redriven)} re-driven.`;
    $('dead-latest').replaceChildren(...dead.latest.map((letter) => el('li', {}, `${letter.service}: ${letter.reason}`)));
  } else {
    $('dead-count').textContent = 'Dead letters: unknown (Postgres does not answer).';
  }

  const top = snapshot.top;
  $('top-products').replaceChildren(...(top?.products ?? []).map((p) => el('li', {}, `${p.product} (${p.category}): ${number.format(p.orders)}`)));
  $('top-categories').replaceChildren(...(top?.categories ?? []).map((c) => el('li', {}, `${c.category}: ${number.format(c.productOrders)}`)));

  const down = snapshot.services.filter((s) => s.status !== 'ok');
  const time = new Date(snapshot.at).toLocaleTimeString();
  $('summary').textContent = down.length
    ? `Updated ${time}. Not healthy: ${down.map((s) => `${s.name} (${s.status}${s.failing.length ? `: ${s.failing.join(', ')}` : ''})`).join('; ')}.`
    : `Updated ${time}. All services healthy.`;
  $('summary').className = down.length ? 'error' : '';
}

async function poll() {
  try {
    const response = await fetch('/dashboard/snapshot', { cache: 'no-store' });
    if (!response.ok) throw new Error(`the snapshot answered ${response.status}`);
    render(await response.json());
  } catch (error) {
    $('summary').textContent = `The source service does not answer (${error.message}); the figures below are the last ones read.`;
    $('summary').className = 'error';
  } finally {
    setTimeout(poll, POLL_MS);
  }
}

// ---- forms ----------------------------------------------------------------------------------
async function send(url, body) {
  const headers = { 'content-type': 'application/json' };
  const apiKey = $('api-key').value;
  if (apiKey) headers['x-api-key'] = apiKey;
  const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(body) });
  return { ok: response.ok, body: await response.json().catch(() => ({ message: `answered ${response.status}` })) };
}

function show(target, ok, text) {
  target.textContent = text;
  target.className = ok ? '' : 'error';
}

$('push-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const raw = $('push-n').value.trim();
  // The server checks N (as POST /push always does): send what was typed, as a number when it is one.
  const N = /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw;
  show($('push-result'), true, `Pushing ${raw}…`);
  try {
    const { ok, body } = await send('/push', { N });
    show($('push-result'), ok, ok ? `Pushed ${number.format(body.messages_pushed)} orders.` : `Refused: ${body.message}`);
  } catch (error) {
    show($('push-result'), false, `The source service does not answer: ${error.message}`);
  }
});

$('redrive-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const service = $('redrive-service').value;
  try {
    const { ok, body } = await send('/dashboard/redrive', service ? { service } : {});
    show($('redrive-result'), ok, ok ? body.message : `Refused: ${body.message}`);
  } catch (error) {
    show($('redrive-result'), false, `The source service does not answer: ${error.message}`);
  }
});

function renderUser(lookup) {
  fillRows(
    $('user-orders').tBodies[0],
    lookup.orders.orders.map((order) => [
      el('td', {}, order.order_id),
      el('td', {}, new Date(order.date).toLocaleString()),
      el('td', {}, order.restaurant?.name ?? ''),
      el('td', {}, order.status),
      el('td', {}, order.items.map((item) => `${item.quantity} × ${item.name ?? item.product_id}`).join(', ')),
      el('td', { class: 'number' }, number.format(order.payment)),
    ]),
  );
  $('user-recommendations').replaceChildren(
    ...lookup.recommendations.recommendations.map((r) =>
      el(
        'li',
        { 'data-product-id': r.product_id },
        `${r.name} (${r.category}, ${r.restaurant.name}) — ${r.reason}${r.order_again ? ' · order again' : ''} · score ${r.score}`,
      ),
    ),
  );
}

async function lookUp(userId) {
  show($('user-result'), true, `Looking up ${userId}…`);
  try {
    const response = await fetch(`/dashboard/users/${encodeURIComponent(userId)}`);
    const body = await response.json();
    if (!response.ok) {
      fillRows($('user-orders').tBodies[0], []);
      $('user-recommendations').replaceChildren();
      return show($('user-result'), false, body.message);
    }
    renderUser(body);
    const orders = body.orders.orders.length;
    show(
      $('user-result'),
      true,
      `User ${userId}: ${orders} latest order${orders === 1 ? '' : 's'}${body.orders.next_before === null ? '' : ' (more in the API)'}, ${body.recommendations.recommendations.length} recommendations.`,
    );
  } catch (error) {
    show($('user-result'), false, `The source service does not answer: ${error.message}`);
  }
}

$('user-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void lookUp($('user-id').value.trim());
});

async function offerSampleUsers() {
  try {
    const { user_ids: ids } = await (await fetch('/dashboard/sample-users')).json();
    if (!ids?.length) return;
    $('sample-users').replaceChildren(
      'Try: ',
      ...ids.map((id) => {
        const button = el('button', { type: 'button', class: 'link' }, id);
        button.addEventListener('click', () => {
          $('user-id').value = id;
          void lookUp(id);
        });
        return button;
      }),
    );
  } catch {
    // Redis unreachable: the search still works with a typed id.
  }
}

void offerSampleUsers();
void poll();
