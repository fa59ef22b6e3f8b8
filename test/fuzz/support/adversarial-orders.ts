// fast-check arbitraries for the pipeline fuzz test: reference data with odd but valid names (and
// some malformed records), and order cases whose events are valid, oddly valid (offsets, edges,
// duplicates, reordering) or broken in one known way. Each message says what the pipeline must do
// with it — this module is the oracle, written without the production contracts.
import fc from 'fast-check';

export interface FuzzUser {
  id: string;
  name: string;
  login: string;
}
export interface FuzzMenuItem {
  id: string;
  name: string;
  price: number;
  category: string;
}
export interface FuzzRestaurant {
  id: string;
  name: string;
  menu: FuzzMenuItem[];
}

/** Reference data as the test writes it to Redis: usable records, and records stg must refuse. */
export interface FuzzReference {
  users: FuzzUser[];
  restaurants: FuzzRestaurant[];
  /** Stored under their keys but not listed, and unusable (NUL, lone surrogate, overlong name, a malformed menu item). */
  malformedUsers: FuzzUser[];
  malformedRestaurants: FuzzRestaurant[];
}

export interface FuzzMessage {
  key: string;
  value: Buffer;
  /** True when stg must take it; false when it must become one stg dead letter. */
  valid: boolean;
  /** Why it is broken (for failure messages), or the oddity it carries. */
  label: string;
}

export interface FuzzCase {
  orderId: number;
  messages: FuzzMessage[];
  /** Whether the order must end up counted in cdm (a valid CLOSED event reached it). */
  counted: boolean;
}

const hex = (n: number, salt: number) => (salt * 1_000_003 + n).toString(16).padStart(24, '0');

/**
 * Text every layer must carry unchanged: any code point but NUL (no lone surrogates: 'binary'
 * units are whole code points), up to 200 of them, control characters, quotes and emoji included.
 */
export const oddText = fc
  .oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
    fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 20 }),
    fc.constantFrom('\u0001\u001f\u007f', '"\'\\/', '\u{1F600}\u{1F9D1}\u200D\u{1F373}', `${'x'.repeat(199)}\u{1F600}`, '  spaced  ', 'Ünïcödé ß', '\uFEFFbom'),
  )
  .filter((s) => !s.includes('\u0000') && !/[\uD800-\uDFFF]/u.test(s) && s.trim().length > 0);

/** Reference data made once per test file from a seed. */
export function fuzzReference(seed: number): FuzzReference {
  const [names] = fc.sample(fc.array(oddText, { minLength: 80, maxLength: 80 }), { seed, numRuns: 1 });
  let n = 0;
  const next = () => names![n++ % names!.length]!;
  const users = Array.from({ length: 12 }, (_, i) => ({ id: hex(i, 1), name: next(), login: next() }));
  const restaurants = Array.from({ length: 4 }, (_, r) => ({
    id: hex(r, 2),
    name: next(),
    menu: Array.from({ length: 5 }, (_, i) => ({ id: hex(r * 100 + i, 3), name: next(), price: [1, 100, 999, 1_000_000, 42][i]!, category: next() })),
  }));
  // Unlisted (source never orders from it): a kitchen whose last menu item is malformed in Redis.
  const badMenu = { id: hex(101, 2), name: next(), menu: [...restaurants[0]!.menu, { id: hex(99, 3), name: 'Priced at zero', price: 0, category: 'Soups' }] };
  return {
    users,
    restaurants,
    malformedUsers: [
      { id: hex(100, 1), name: 'nul\u0000name', login: 'ok' },
      { id: hex(101, 1), name: 'ok', login: 'lone\ud800' },
      { id: hex(102, 1), name: 'n'.repeat(201), login: 'long' },
    ],
    malformedRestaurants: [{ id: hex(100, 2), name: 'nul\u0000kitchen', menu: restaurants[0]!.menu }, badMenu],
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Event = { [key: string]: Json };
type Status = 'OPEN' | 'COOKING' | 'DELIVERING' | 'CLOSED' | 'CANCELLED';

/** Every path to a leaf or inner value of the event, e.g. ['payload', 'order_items', 0, 'name']. */
function paths(value: Json, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (value === null || typeof value !== 'object') return [prefix];
  const children = Array.isArray(value) ? value.map((v, i) => paths(v, [...prefix, i])) : Object.entries(value).map(([k, v]) => paths(v, [...prefix, k]));
  return [...(prefix.length > 0 ? [prefix] : []), ...children.flat()];
}
function get(value: Json, path: Array<string | number>): Json {
  return path.reduce<Json>((v, k) => (v as Record<string, Json>)[k as string]!, value);
}
function set(value: Json, path: Array<string | number>, to: Json): void {
  const parent = get(value, path.slice(0, -1)) as Record<string, Json>;
  parent[path[path.length - 1] as string] = to;
}
const jsonType = (v: Json) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);
const isTimestampPath = (path: Array<string | number>) => ['sent_dttm', 'date', 'update_ts', 'dttm'].includes(String(path[path.length - 1]));

/** The same instant written with another offset (within ±14:00), milliseconds kept. */
function withOffset(iso: string, offsetMinutes: number): string {
  const shifted = new Date(Date.parse(iso) + offsetMinutes * 60_000).toISOString().slice(0, 23);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${shifted}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

type Breakage = (event: Event, pick: (n: number) => number) => string;

/** Put in a string by a breakage, turned into a byte no UTF-8 text holds (0xFF) once the event is serialised. */
const NOT_UTF8_MARKER = '\ue000';

/** The event as Kafka carries it. */
function serialise(event: Event): Buffer {
  const parts = JSON.stringify(event).split(NOT_UTF8_MARKER);
  return Buffer.concat(parts.flatMap((part, i) => (i === 0 ? [Buffer.from(part)] : [Buffer.from([0xff]), Buffer.from(part)])));
}

/** Inserts the text at some place of some string of the event; returns that string's path. */
function insertIntoSomeString(e: Event, pick: (n: number) => number, text: string): string {
  const strings = paths(e).filter((p) => typeof get(e, p) === 'string');
  const p = strings[pick(strings.length)]!;
  const s = get(e, p) as string;
  const at = pick(s.length + 1);
  set(e, p, `${s.slice(0, at)}${text}${s.slice(at)}`);
  return p.join('.');
}

/** Ways to break one event; each returns its label. Every one of them must be refused by stg. */
const BREAKAGES: Record<string, Breakage> = {
  nul: (e, pick) => `NUL in ${insertIntoSomeString(e, pick, '\u0000')}`,
  loneSurrogate: (e, pick) => {
    const strings = paths(e).filter((p) => typeof get(e, p) === 'string');
    const p = strings[pick(strings.length)]!;
    set(e, p, `${get(e, p) as string}${pick(2) ? '\ud800' : '\udfff'}`);
    return `lone surrogate in ${p.join('.')}`;
  },
  notUtf8: (e, pick) => `a byte that is not UTF-8 in ${insertIntoSomeString(e, pick, NOT_UTF8_MARKER)}`,
  pastRange: (e, pick) => {
    const changes: Array<[Array<string | number>, Json]> = [
      [['object_id'], 2 ** 53],
      [['object_id'], 0],
      [['payload', 'order_items', 0, 'quantity'], 1001],
      [['payload', 'order_items', 0, 'quantity'], 0],
      [['payload', 'order_items', 0, 'price'], 1_000_001],
      [['payload', 'cost'], 1e13],
      [['payload', 'cost'], -1],
      [['payload', 'payment'], -0.01],
      [['payload', 'bonus_grant'], 1e12 + 1],
    ];
    const [path, to] = changes[pick(changes.length)]!;
    set(e, path, to);
    return `${path.join('.')} = ${to}`;
  },
  badTimestamp: (e, pick) => {
    const stamps = paths(e).filter(isTimestampPath);
    const p = stamps[pick(stamps.length)]!;
    const bad = [
      '2016-12-31T23:59:60Z',
      '0000-01-01T00:00:00Z',
      '2025-03-01T10:00:00.000001Z',
      '2025-03-01T10:00:00+15:00',
      '2025-02-30T10:00:00Z',
      '10000-01-01T00:00:00Z',
      '2025-03-01 10:00:00Z',
      '',
      '1969-12-31T23:59:59Z',
    ];
    const to = bad[pick(bad.length)]!;
    set(e, p, to);
    return `${p.join('.')} = ${JSON.stringify(to)}`;
  },
  wrongType: (e, pick) => {
    const all = paths(e);
    const p = all[pick(all.length)]!;
    const original = get(e, p);
    const options = ([null, true, 'text', 12.5, [], {}] as Json[]).filter((v) => jsonType(v) !== jsonType(original));
    const to = options[pick(options.length)]!;
    set(e, p, to);
    return `${p.join('.')} is ${jsonType(to)}`;
  },
  hugeArray: (e, pick) => {
    const payload = e.payload as Event;
    // Up to ~550 items of up to 800 bytes: past the contract, still under Kafka's 1 MiB.
    if (pick(2)) payload.order_items = Array.from({ length: 51 + pick(500) }, () => (payload.order_items as Json[])[0]!);
    else payload.statuses = Array.from({ length: 21 + pick(100) }, () => (payload.statuses as Json[])[0]!);
    return 'an array past its limit';
  },
  offMenu: (e, pick) => {
    const item = (e.payload as Event).order_items as Array<Event>;
    const field = (['name', 'category'] as const)[pick(2)]!;
    item[0]![field] = `${item[0]![field] as string}!`;
    return `item ${field} differs from the menu`;
  },
  costOff: (e, pick) => {
    const payload = e.payload as Event;
    payload.cost = (payload.cost as number) + [1, 0.5, -1][pick(3)]!;
    return "a cost that is not its items' price × quantity";
  },
  itemAtTwoPrices: (e) => {
    const payload = e.payload as Event;
    const items = payload.order_items as Array<Event>;
    const price = (items[0]!.price as number) === 1_000_000 ? 999_999 : (items[0]!.price as number) + 1;
    items.push({ ...items[0]!, price, quantity: 1 });
    payload.cost = (payload.cost as number) + price;
    return 'an item listed twice at two prices';
  },
  nulKey: (e) => {
    (e.payload as Event)['odd\u0000key'] = 1;
    return 'a NUL in a property name (jsonb refuses it)';
  },
};

type Garbage = (pick: (n: number) => number) => { value: Buffer; label: string };
const GARBAGE: Garbage[] = [
  () => ({ value: Buffer.from('{"object_id": 1,'), label: 'truncated JSON' }),
  () => ({ value: Buffer.alloc(0), label: 'empty value' }),
  () => ({ value: Buffer.from([0x7b, 0x00, 0x7d]), label: 'a NUL byte' }),
  () => ({ value: Buffer.from([0xff, 0xfe, 0x7b, 0x7d]), label: 'invalid UTF-8' }),
  () => ({ value: Buffer.from('null'), label: 'JSON null' }),
  () => ({ value: Buffer.from('[1,2,3]'), label: 'a JSON array' }),
  (pick) => ({ value: Buffer.from('['.repeat(1000 + pick(200_000))), label: 'deep nesting' }),
  () => ({ value: Buffer.from('{"object_id":1e400}'), label: 'a number JSON makes Infinity' }),
];

export interface CaseSpec {
  user: number;
  restaurant: number;
  items: number[];
  quantities: number[];
  final: 'CLOSED' | 'CANCELLED' | 'DELIVERING';
  lifecycle: boolean;
  shuffle: boolean;
  duplicate: boolean;
  offsets: number[];
  edgeAmounts: boolean;
  /** The first item at another price than the menu's today (placed before a price change): valid. */
  repriced: boolean;
  /**
   * One event (by index) that changes what the order is: its user, the first item's quantity or its
   * date. Whichever of the order's events comes first among the valid ones fixes the order; a later
   * valid event that differs from it must be refused.
   */
  change: { event: number; what: 'user' | 'quantity' | 'date' } | null;
  /** Per event: a breakage name or null; 'user:*'/'restaurant:*' refer to the reference. */
  breakages: Array<string | null>;
  garbage: number | null;
  picks: number[];
}

const STATUS_PATH: Record<CaseSpec['final'], Status[]> = {
  CLOSED: ['OPEN', 'COOKING', 'DELIVERING', 'CLOSED'],
  CANCELLED: ['OPEN', 'COOKING', 'CANCELLED'],
  DELIVERING: ['OPEN', 'COOKING', 'DELIVERING'],
};

const breakageNames = [...Object.keys(BREAKAGES), 'unknownUser', 'unknownRestaurant', 'malformedUser', 'malformedRestaurant', 'malformedMenuItem'];

export const caseSpec: fc.Arbitrary<CaseSpec> = fc.record({
  user: fc.nat(),
  restaurant: fc.nat(),
  items: fc.uniqueArray(fc.nat({ max: 4 }), { minLength: 1, maxLength: 3 }),
  quantities: fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 3, maxLength: 3 }),
  final: fc.constantFrom('CLOSED', 'CLOSED', 'CANCELLED', 'DELIVERING'),
  lifecycle: fc.boolean(),
  shuffle: fc.boolean(),
  duplicate: fc.boolean(),
  offsets: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: -14 * 60, max: 14 * 60 })), { minLength: 5, maxLength: 5 }),
  edgeAmounts: fc.boolean(),
  repriced: fc.boolean(),
  change: fc.option(fc.record({ event: fc.nat({ max: 3 }), what: fc.constantFrom('user', 'quantity', 'date') }), { freq: 4 }),
  breakages: fc.array(fc.option(fc.constantFrom(...breakageNames), { freq: 2 }), { minLength: 4, maxLength: 4 }),
  garbage: fc.option(fc.nat({ max: GARBAGE.length - 1 }), { freq: 8 }),
  picks: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
});

/** The messages of one order case, each with what must become of it. */
export function buildCase(spec: CaseSpec, orderId: number, ref: FuzzReference): FuzzCase {
  let pickIndex = 0;
  const pick = (n: number) => (n <= 0 ? 0 : spec.picks[pickIndex++ % spec.picks.length]! % n);
  const key = String(orderId);
  if (spec.garbage !== null) {
    const { value, label } = GARBAGE[spec.garbage]!(pick);
    return { orderId, messages: [{ key, value, valid: false, label }], counted: false };
  }
  const user = ref.users[spec.user % ref.users.length]!;
  const restaurant = ref.restaurants[spec.restaurant % ref.restaurants.length]!;
  const repriced = (price: number) => (price === 1_000_000 ? price - 1 : price + 1);
  const items = spec.items.map((i, n) => {
    const listed = restaurant.menu[i]!;
    return { ...listed, price: n === 0 && spec.repriced ? repriced(listed.price) : listed.price, quantity: spec.quantities[n]! };
  });
  const statuses = spec.lifecycle ? STATUS_PATH[spec.final] : [spec.final];
  const start = Date.parse('2025-06-01T12:00:00.000Z') + orderId * 1000;
  const history = STATUS_PATH[spec.final].map((status, i) => ({ status, dttm: withOffset(new Date(start + i * 60_000).toISOString(), spec.offsets[i % 5]!) }));

  const messages: Array<FuzzMessage & { changed: boolean; closed: boolean }> = [];
  statuses.forEach((status, n) => {
    const upTo = spec.lifecycle ? STATUS_PATH[spec.final].indexOf(status) + 1 : history.length;
    // A copy per event: a breakage of one event's status history must not reach the others.
    const reached = structuredClone(history.slice(0, upTo));
    const changed = spec.change !== null && spec.change.event % statuses.length === n;
    const what = changed ? spec.change!.what : null;
    const lines = items.map((item, i) => (what === 'quantity' && i === 0 ? { ...item, quantity: item.quantity === 1000 ? 999 : item.quantity + 1 } : item));
    const cost = lines.reduce((s, i) => s + i.price * i.quantity, 0);
    const event: Event = {
      object_id: orderId,
      object_type: 'order',
      sent_dttm: withOffset(new Date(start + 3_600_000).toISOString(), spec.offsets[4]!),
      payload: {
        restaurant: { id: restaurant.id },
        user: { id: what === 'user' ? ref.users[(spec.user + 1) % ref.users.length]!.id : user.id },
        date: what === 'date' ? new Date(Date.parse(reached[0]!.dttm) - 1000).toISOString() : reached[0]!.dttm,
        order_items: lines.map(({ id, name, price, category, quantity }) => ({ id, name, price, category, quantity })),
        bonus_payment: spec.edgeAmounts ? 1e12 : 1.5,
        cost,
        payment: spec.edgeAmounts ? 0 : cost,
        bonus_grant: spec.edgeAmounts ? 1e12 : 0.25,
        statuses: reached,
        final_status: status,
        update_ts: reached[reached.length - 1]!.dttm,
      },
    };
    const breakage = spec.breakages[n % spec.breakages.length] ?? null;
    let label = spec.edgeAmounts || spec.repriced || spec.offsets.some((o) => o !== 0) ? 'valid (odd offsets, edge amounts or a price off the menu)' : 'valid';
    if (breakage) label = breakEvent(event, breakage, pick, ref);
    const value = serialise(event);
    const valid = breakage === null;
    const closed = status === 'CLOSED';
    messages.push({ key, value, valid, label, changed, closed });
    if (spec.duplicate && n === 0) messages.push({ key, value, valid, label: `${label}, sent twice`, changed, closed });
  });
  if (spec.shuffle && messages.length > 1) messages.push(messages.shift()!);
  // The first valid event in topic order fixes what the order is.
  const fixed = messages.find((m) => m.valid)?.changed;
  for (const m of messages) {
    if (m.valid && m.changed !== fixed) {
      m.valid = false;
      m.label = `${m.label}, but its order's ${spec.change!.what} is not the one its first event fixed`;
    }
  }
  return {
    orderId,
    messages: messages.map(({ key, value, valid, label }) => ({ key, value, valid, label })),
    counted: messages.some((m) => m.valid && m.closed),
  };
}

function breakEvent(event: Event, breakage: string, pick: (n: number) => number, ref: FuzzReference): string {
  const payload = event.payload as Event;
  switch (breakage) {
    case 'unknownUser':
      payload.user = { id: hex(9999, 1) };
      return 'an unknown user';
    case 'unknownRestaurant':
      payload.restaurant = { id: hex(9999, 2) };
      return 'an unknown restaurant';
    case 'malformedUser':
      payload.user = { id: ref.malformedUsers[pick(ref.malformedUsers.length)]!.id };
      return 'a user whose reference data is malformed';
    case 'malformedRestaurant':
      payload.restaurant = { id: ref.malformedRestaurants[0]!.id };
      return 'a restaurant whose reference data is malformed';
    case 'malformedMenuItem': {
      const kitchen = ref.malformedRestaurants[1]!;
      const bad = kitchen.menu[kitchen.menu.length - 1]!;
      payload.restaurant = { id: kitchen.id };
      // Valid as a message; its menu entry (price 0) is not, so it is on no menu stg accepts.
      payload.order_items = [{ id: bad.id, name: bad.name, price: 1, category: bad.category, quantity: 1 }];
      return 'a menu item whose reference data is malformed';
    }
    default:
      return BREAKAGES[breakage]!(event, pick);
  }
}
