import type { EnrichedOrder } from '../../shared/src/contracts/index.ts';
import { hubs, links, satellites, type TableModel } from './vault-model.ts';
import { hubRow, linkRow, satelliteRow, toInstant, type VaultRow, type VaultRows } from './vault-rows.ts';

/** Files one enriched order into the vault: its rows per table. Satellites take effect at update_ts. */
export function toVaultRows(order: EnrichedOrder, loadSrc: string): VaultRows {
  const { payload } = order;
  const at = toInstant(payload.update_ts);

  const user = hubRow(hubs.user, { user_id: payload.user.id }, loadSrc);
  const restaurant = hubRow(hubs.restaurant, { restaurant_id: payload.restaurant.id }, loadSrc);
  const orderHub = hubRow(hubs.order, { order_id: payload.id, order_dt: toInstant(payload.date) }, loadSrc);
  const items = payload.products.map((item) => ({
    item,
    product: hubRow(hubs.product, { product_id: item.id }, loadSrc),
    category: hubRow(hubs.category, { category_name: item.category }, loadSrc),
  }));

  return new Map<TableModel, VaultRow[]>([
    [hubs.user, [user]],
    [hubs.restaurant, [restaurant]],
    [hubs.order, [orderHub]],
    [hubs.product, items.map(({ product }) => product)],
    [hubs.category, items.map(({ category }) => category)],
    [links.orderUser, [linkRow(links.orderUser, [orderHub, user], loadSrc)]],
    [links.orderProduct, items.map(({ product }) => linkRow(links.orderProduct, [orderHub, product], loadSrc))],
    [links.productRestaurant, items.map(({ product }) => linkRow(links.productRestaurant, [product, restaurant], loadSrc))],
    [links.productCategory, items.map(({ product, category }) => linkRow(links.productCategory, [product, category], loadSrc))],
    [satellites.userNames, [satelliteRow(satellites.userNames, user, at, { username: payload.user.name, userlogin: payload.user.login }, loadSrc)]],
    [satellites.restaurantNames, [satelliteRow(satellites.restaurantNames, restaurant, at, { name: payload.restaurant.name }, loadSrc)]],
    [satellites.productNames, items.map(({ item, product }) => satelliteRow(satellites.productNames, product, at, { name: item.name }, loadSrc))],
    [satellites.orderCost, [satelliteRow(satellites.orderCost, orderHub, at, { cost: payload.cost, payment: payload.payment }, loadSrc)]],
    [satellites.orderStatus, [satelliteRow(satellites.orderStatus, orderHub, at, { status: payload.status }, loadSrc)]],
  ]);
}
