import type { PoolClient } from 'pg';
import type { ClosedOrder } from '../../shared/src/contracts/index.ts';
import { linkHashKey } from '../../shared/src/vault/hash-keys.ts';

interface Expected {
  order: ClosedOrder;
  orderUser: string;
  orderProducts: Array<{ product: string; key: string }>;
  productCategories: Array<{ product: string; category: string; key: string }>;
}

/**
 * Why each order the vault does not hold as the message says: not CLOSED there, not of that user,
 * a product not in that order, a product not in that category. Only what passes may count, so a
 * message the vault never saw (forged, or from a stray producer) cannot move the counters. One
 * statement of primary-key probes for the whole batch: the link keys are derived here the way dds
 * derives them.
 */
export async function ordersNotInVault(db: Pick<PoolClient, 'query'>, orders: readonly ClosedOrder[]): Promise<Map<ClosedOrder, string>> {
  if (orders.length === 0) return new Map();
  const expected: Expected[] = orders.map((order) => ({
    order,
    orderUser: linkHashKey(order.order_id, order.user_id),
    orderProducts: order.products.map((p) => ({ product: p.product_id, key: linkHashKey(order.order_id, p.product_id) })),
    productCategories: order.products.map((p) => ({ product: p.product_id, category: p.category_id, key: linkHashKey(p.product_id, p.category_id) })),
  }));
  const { rows } = await db.query<{ key: string }>({
    name: 'cdm_orders_in_vault',
    text: `SELECT DISTINCT h_order_pk AS key FROM dds.s_order_status WHERE h_order_pk = ANY($1::uuid[]) AND status = 'CLOSED'
     UNION ALL SELECT hk_order_user_pk FROM dds.l_order_user WHERE hk_order_user_pk = ANY($2::uuid[])
     UNION ALL SELECT hk_order_product_pk FROM dds.l_order_product WHERE hk_order_product_pk = ANY($3::uuid[])
     UNION ALL SELECT hk_product_category_pk FROM dds.l_product_category WHERE hk_product_category_pk = ANY($4::uuid[])`,
    values: [
      expected.map((e) => e.order.order_id),
      expected.map((e) => e.orderUser),
      expected.flatMap((e) => e.orderProducts.map((p) => p.key)),
      expected.flatMap((e) => e.productCategories.map((p) => p.key)),
    ],
  });
  const found = new Set(rows.map((r) => r.key));
  const refused = new Map<ClosedOrder, string>();
  for (const { order, orderUser, orderProducts, productCategories } of expected) {
    const reasons: string[] = [];
    if (!found.has(order.order_id)) reasons.push(`order ${order.order_id} is not CLOSED in the vault`);
    else {
      if (!found.has(orderUser)) reasons.push(`order ${order.order_id} is not of user ${order.user_id} in the vault`);
      for (const p of orderProducts) if (!found.has(p.key)) reasons.push(`product ${p.product} is not in order ${order.order_id} in the vault`);
      for (const p of productCategories) if (!found.has(p.key)) reasons.push(`product ${p.product} is not in category ${p.category} in the vault`);
    }
    if (reasons.length > 0) refused.set(order, `not counted: ${reasons.join('; ')}`);
  }
  return refused;
}
