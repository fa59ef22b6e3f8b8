// The Data Vault, described once as data. The generic loaders generate their SQL from this;
// the migrations in migrations/ create the same tables.

export type SqlType = 'uuid' | 'text' | 'bigint' | 'numeric' | 'timestamptz' | 'boolean';

export interface ColumnModel {
  name: string;
  type: SqlType;
}

export interface HubModel {
  kind: 'hub';
  table: string;
  hashKey: string;
  /** Hashed, in this order, into the hash key. */
  businessKey: readonly ColumnModel[];
  /** Stored on the hub when the key is first seen, not hashed (h_order.order_dt). */
  attributes: readonly ColumnModel[];
}

export interface LinkModel {
  kind: 'link';
  table: string;
  hashKey: string;
  /** The hubs joined; their hash keys, in this order, make the link hash key. */
  hubs: readonly HubModel[];
  /** Stored on the link when it is first seen, not hashed (l_order_user.order_dt, for reads by user). */
  attributes: readonly ColumnModel[];
}

export interface SatelliteModel {
  kind: 'satellite';
  table: string;
  /** A hub, or a link for what describes the relationship itself (an order line's quantity). */
  parent: HubModel | LinkModel;
  /** Descriptive columns, hashed in this order into the hashdiff. */
  payload: readonly ColumnModel[];
  hashdiff: string;
}

export type TableModel = HubModel | LinkModel | SatelliteModel;

export const VAULT_SCHEMA = 'dds';

const column = (name: string, type: SqlType): ColumnModel => ({ name, type });

function hub(name: string, businessKey: ColumnModel[], attributes: ColumnModel[] = []): HubModel {
  return { kind: 'hub', table: `h_${name}`, hashKey: `h_${name}_pk`, businessKey, attributes };
}

function link(name: string, linked: HubModel[], attributes: ColumnModel[] = []): LinkModel {
  return { kind: 'link', table: `l_${name}`, hashKey: `hk_${name}_pk`, hubs: linked, attributes };
}

function satellite(name: string, parent: HubModel | LinkModel, payload: ColumnModel[]): SatelliteModel {
  return { kind: 'satellite', table: `s_${name}`, parent, payload, hashdiff: `hk_${name}_hashdiff` };
}

export const hubs = {
  user: hub('user', [column('user_id', 'text')]),
  product: hub('product', [column('product_id', 'text')]),
  category: hub('category', [column('category_name', 'text')]),
  restaurant: hub('restaurant', [column('restaurant_id', 'text')]),
  order: hub('order', [column('order_id', 'bigint')], [column('order_dt', 'timestamptz')]),
} as const;

export const links = {
  orderProduct: link('order_product', [hubs.order, hubs.product]),
  productRestaurant: link('product_restaurant', [hubs.product, hubs.restaurant]),
  productCategory: link('product_category', [hubs.product, hubs.category]),
  /** order_dt repeats the order hub's, so that a user's orders are read newest first from one index. */
  orderUser: link('order_user', [hubs.order, hubs.user], [column('order_dt', 'timestamptz')]),
  orderRestaurant: link('order_restaurant', [hubs.order, hubs.restaurant]),
} as const;

export const satellites = {
  userNames: satellite('user_names', hubs.user, [column('username', 'text'), column('userlogin', 'text')]),
  productNames: satellite('product_names', hubs.product, [column('name', 'text')]),
  restaurantNames: satellite('restaurant_names', hubs.restaurant, [column('name', 'text')]),
  orderCost: satellite('order_cost', hubs.order, [column('cost', 'numeric'), column('payment', 'numeric')]),
  orderStatus: satellite('order_status', hubs.order, [column('status', 'text')]),
  /** What an order bought of a product: the quantity and the unit price paid, as of that order. */
  orderProductLines: satellite('order_product_lines', links.orderProduct, [column('quantity', 'bigint'), column('price', 'numeric')]),
  /** A product's menu price over time: a row only when it differs from the one before. */
  productPrices: satellite('product_prices', hubs.product, [column('price', 'numeric')]),
} as const;

/** Every table in load order: hubs before the links and satellites that refer to them. */
export const vaultTables: readonly TableModel[] = [...Object.values(hubs), ...Object.values(links), ...Object.values(satellites)];
