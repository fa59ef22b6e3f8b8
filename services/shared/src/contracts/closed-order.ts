// cdm_service: what one CLOSED order adds to the counters, written by dds, read by cdm.
// Ids are DDS hub keys (uuid v5).
import { textSchema, timestampSchema } from './primitives.ts';

const uuid = { type: 'string', pattern: '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' } as const;

export const closedOrderSchema = {
  $id: 'closed-order',
  type: 'object',
  additionalProperties: false,
  required: ['order_id', 'user_id', 'products'],
  properties: {
    order_id: uuid,
    user_id: uuid,
    /** When the order was CLOSED (its update_ts): what cdm measures freshness from. Optional: older messages lack it. */
    closed_at: timestampSchema,
    products: {
      type: 'array',
      minItems: 1,
      maxItems: 50,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['product_id', 'product_name', 'category_id', 'category_name'],
        properties: {
          product_id: uuid,
          product_name: textSchema,
          category_id: uuid,
          category_name: textSchema,
        },
      },
    },
  },
} as const;

export interface ClosedOrderProduct {
  product_id: string;
  product_name: string;
  category_id: string;
  category_name: string;
}

export interface ClosedOrder {
  /** h_order_pk */
  order_id: string;
  /** h_user_pk */
  user_id: string;
  closed_at?: string;
  products: ClosedOrderProduct[];
}
