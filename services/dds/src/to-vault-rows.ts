import type { EnrichedOrder, EnrichedProduct } from '@orders-dwh/shared/contracts';
import { hubs, links, satellites } from './vault-model.ts';
import { toInstant, VaultBatch, type VaultRows } from './vault-rows.ts';

/** Files one enriched order into the batch's vault rows. Satellites take effect at update_ts. */
export function addOrder(batch: VaultBatch, order: EnrichedOrder): void {
  const { payload } = order;
  const at = toInstant(payload.update_ts);

  const user = batch.hub(hubs.user, { user_id: payload.user.id });
  const restaurant = batch.hub(hubs.restaurant, { restaurant_id: payload.restaurant.id });
  const orderDt = toInstant(payload.date);
  const orderKey = batch.hub(hubs.order, { order_id: payload.id, order_dt: orderDt });
  batch.link(links.orderUser, [orderKey, user], { order_dt: orderDt });
  batch.link(links.orderRestaurant, [orderKey, restaurant]);
  batch.satellite(satellites.userNames, user, at, { username: payload.user.name, userlogin: payload.user.login });
  batch.satellite(satellites.restaurantNames, restaurant, at, { name: payload.restaurant.name });
  batch.satellite(satellites.orderCost, orderKey, at, { cost: payload.cost, payment: payload.payment });
  // The history the event carries (a status each at its own time), then the current status.
  for (const { status, dttm } of payload.statuses ?? []) batch.satellite(satellites.orderStatus, orderKey, toInstant(dttm), { status });
  batch.satellite(satellites.orderStatus, orderKey, at, { status: payload.status });

  for (const item of orderLines(payload.products)) {
    const product = batch.hub(hubs.product, { product_id: item.id });
    const category = batch.hub(hubs.category, { category_name: item.category });
    const line = batch.link(links.orderProduct, [orderKey, product]);
    batch.link(links.productRestaurant, [product, restaurant]);
    batch.link(links.productCategory, [product, category]);
    batch.satellite(satellites.productNames, product, at, { name: item.name });
    batch.satellite(satellites.productPrices, product, at, { price: item.price });
    batch.satellite(satellites.orderProductLines, line, at, { quantity: item.quantity, price: item.price });
  }
}

/**
 * One line per product: an order that lists a product twice bought the sum of the quantities
 * (stg refuses an order that lists one at two prices).
 */
export function orderLines(products: readonly EnrichedProduct[]): EnrichedProduct[] {
  const lines = new Map<string, EnrichedProduct>();
  for (const item of products) {
    const seen = lines.get(item.id);
    lines.set(item.id, seen ? { ...seen, quantity: seen.quantity + item.quantity } : item);
  }
  return [...lines.values()];
}

/** The vault rows of a batch: orders are added in batch order, rows come out one per identity per table, sorted. */
export function toVaultRows(orders: readonly EnrichedOrder[], loadSrc: string): VaultRows {
  const batch = new VaultBatch(loadSrc);
  for (const order of orders) addOrder(batch, order);
  return batch.rows();
}
