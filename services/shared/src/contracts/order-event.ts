// stg_service: one order event, written by source, read by stg. Every object is closed
// (additionalProperties: false): what stg stores is exactly what was validated, so whether an event
// is accepted never depends on which other events share its batch.
import { id24Schema, moneySchema, orderIdSchema, priceSchema, quantitySchema, textSchema, timestampSchema } from './primitives.ts';

export const ORDER_STATUSES = ['OPEN', 'COOKING', 'DELIVERING', 'CLOSED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export { id24Schema };
const id24 = id24Schema;

/** One line of an order; the enriched order's products have the same shape. */
export const orderItemSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'name', 'price', 'category', 'quantity'],
  properties: {
    id: id24,
    name: textSchema,
    price: priceSchema,
    category: textSchema,
    quantity: quantitySchema,
  },
} as const;
const money = moneySchema;

/** Every status an order reached so far, each with the time it was reached. */
export const statusHistorySchema = {
  type: 'array',
  minItems: 1,
  maxItems: 20,
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['status', 'dttm'],
    properties: { status: { enum: ORDER_STATUSES }, dttm: timestampSchema },
  },
} as const;

export const orderEventSchema = {
  $id: 'order-event',
  type: 'object',
  additionalProperties: false,
  required: ['object_id', 'object_type', 'sent_dttm', 'payload'],
  properties: {
    object_id: orderIdSchema,
    object_type: { const: 'order' },
    sent_dttm: timestampSchema,
    payload: {
      type: 'object',
      additionalProperties: false,
      required: ['restaurant', 'user', 'date', 'order_items', 'bonus_payment', 'cost', 'payment', 'bonus_grant', 'statuses', 'final_status', 'update_ts'],
      properties: {
        restaurant: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: id24 } },
        user: { type: 'object', additionalProperties: false, required: ['id'], properties: { id: id24 } },
        date: timestampSchema,
        order_items: {
          type: 'array',
          minItems: 1,
          maxItems: 50,
          items: orderItemSchema,
        },
        bonus_payment: money,
        cost: money,
        payment: money,
        bonus_grant: money,
        statuses: statusHistorySchema,
        final_status: { enum: ORDER_STATUSES },
        update_ts: timestampSchema,
      },
    },
  },
} as const;

export interface OrderItem {
  id: string;
  name: string;
  price: number;
  category: string;
  quantity: number;
}

export interface OrderEvent {
  object_id: number;
  object_type: 'order';
  sent_dttm: string;
  payload: {
    restaurant: { id: string };
    user: { id: string };
    date: string;
    order_items: OrderItem[];
    bonus_payment: number;
    cost: number;
    payment: number;
    bonus_grant: number;
    statuses: Array<{ status: OrderStatus; dttm: string }>;
    final_status: OrderStatus;
    update_ts: string;
  };
}
