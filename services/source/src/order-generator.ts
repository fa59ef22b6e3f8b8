import type { OrderEvent, OrderItem, OrderStatus } from '@orders-dwh/shared/contracts';
import type { ReferenceRestaurant } from '@orders-dwh/shared/reference';
import { intBetween, pick, sample, type Random } from './random.ts';

/** What orders are made from: any user may order from any restaurant's menu. */
export interface OrderReference {
  userIds: string[];
  restaurants: ReferenceRestaurant[];
}

export interface OrderGeneratorOptions {
  random: Random;
  reference: OrderReference;
  /** Share of orders (0–1) that end CANCELLED instead of CLOSED. */
  cancelShare?: number;
  now?: () => Date;
}

export class EmptyReferenceError extends Error {
  override name = 'EmptyReferenceError';
}

export const ITEMS_PER_ORDER = { min: 1, max: 3 } as const;
export const QUANTITY = { min: 1, max: 5 } as const;
/** Share of orders partly paid with bonuses, the most of the cost they may cover, and the share of the payment granted back. */
const BONUS_USE_SHARE = 0.3;
const BONUS_PAYMENT_MAX_SHARE = 0.5;
const BONUS_GRANT_SHARE = 0.05;

const MINUTE = 60_000;
/** Minutes from the previous status to each next one (COOKING after OPEN, ...). */
const STATUS_DELAY_MINUTES = { COOKING: [1, 10], DELIVERING: [10, 40], CLOSED: [10, 40], CANCELLED: [1, 20] } as const;
const PROGRESS: OrderStatus[] = ['OPEN', 'COOKING', 'DELIVERING', 'CLOSED'];

/**
 * Returns a function making one complete order (every status up to CLOSED or CANCELLED) for an id.
 * Pure given the random source and the clock: the order's last status is "now", earlier ones before it.
 */
export function createOrderGenerator(options: OrderGeneratorOptions): (orderId: number) => OrderEvent {
  const { random, cancelShare = 0, now = () => new Date() } = options;
  const userIds = options.reference.userIds;
  const restaurants = options.reference.restaurants.filter((r) => r.menu.length > 0);
  if (userIds.length === 0 || restaurants.length === 0) {
    throw new EmptyReferenceError('reference data has no users or no restaurant with a menu');
  }
  if (!(cancelShare >= 0 && cancelShare <= 1)) throw new RangeError(`cancelShare must be from 0 to 1, got ${cancelShare}`);

  return (orderId) => {
    const restaurant = pick(random, restaurants);
    const userId = pick(random, userIds);
    const menuItems = sample(random, restaurant.menu, intBetween(random, ITEMS_PER_ORDER.min, ITEMS_PER_ORDER.max));
    const order_items: OrderItem[] = menuItems.map((item) => ({
      id: item.id,
      name: item.name,
      price: item.price,
      category: item.category,
      quantity: intBetween(random, QUANTITY.min, QUANTITY.max),
    }));
    const cost = order_items.reduce((sum, item) => sum + item.price * item.quantity, 0);
    const bonus_payment = random() < BONUS_USE_SHARE ? intBetween(random, 0, Math.floor(cost * BONUS_PAYMENT_MAX_SHARE)) : 0;
    const payment = cost - bonus_payment;
    const sentAt = now();
    const statuses = statusTimeline(random, random() < cancelShare, sentAt.getTime());
    const last = statuses[statuses.length - 1];
    return {
      object_id: orderId,
      object_type: 'order',
      sent_dttm: sentAt.toISOString(),
      payload: {
        restaurant: { id: restaurant.id },
        user: { id: userId },
        date: statuses[0].dttm,
        order_items,
        bonus_payment,
        cost,
        payment,
        bonus_grant: Math.floor(payment * BONUS_GRANT_SHARE),
        statuses,
        final_status: last.status,
        update_ts: last.dttm,
      },
    };
  };
}

/** OPEN → COOKING → DELIVERING → CLOSED, or cut short by CANCELLED after one to three steps; ends at `endMs`. */
function statusTimeline(random: Random, cancelled: boolean, endMs: number): OrderEvent['payload']['statuses'] {
  const steps: OrderStatus[] = cancelled ? [...PROGRESS.slice(0, intBetween(random, 1, 3)), 'CANCELLED'] : PROGRESS;
  const delays = steps.slice(1).map((status) => {
    const [min, max] = STATUS_DELAY_MINUTES[status as keyof typeof STATUS_DELAY_MINUTES];
    // Whole milliseconds at least one minute apart: timestamps strictly increase.
    return intBetween(random, min * MINUTE, max * MINUTE);
  });
  let at = endMs - delays.reduce((sum, d) => sum + d, 0);
  return steps.map((status, i) => {
    if (i > 0) at += delays[i - 1];
    return { status, dttm: new Date(at).toISOString() };
  });
}

/**
 * Lifecycle mode: one event per status reached, each carrying the statuses so far, so downstream
 * sees the order advance (OPEN, then COOKING, ... then CLOSED). Events come out in status order.
 */
export function lifecycleEvents(order: OrderEvent): OrderEvent[] {
  return order.payload.statuses.map((current, i) => ({
    ...order,
    payload: {
      ...order.payload,
      statuses: order.payload.statuses.slice(0, i + 1),
      final_status: current.status,
      update_ts: current.dttm,
    },
  }));
}
