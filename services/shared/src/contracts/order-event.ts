// stg_service: one order event, written by source, read by stg.
export const ORDER_STATUSES = ['OPEN', 'COOKING', 'DELIVERING', 'CLOSED', 'CANCELLED'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** A reference-data id: 24 lowercase hex characters. */
export const id24Schema = { type: 'string', pattern: '^[0-9a-f]{24}$' } as const;
const id24 = id24Schema;

/** One line of an order; the enriched order's products have the same shape. */
export const orderItemSchema = {
  type: 'object',
  required: ['id', 'name', 'price', 'category', 'quantity'],
  properties: {
    id: id24,
    name: { type: 'string', minLength: 1 },
    price: { type: 'integer', minimum: 1 },
    category: { type: 'string', minLength: 1 },
    quantity: { type: 'integer', minimum: 1 },
  },
} as const;
const money = { type: 'number', minimum: 0 } as const;

export const orderEventSchema = {
  $id: 'order-event',
  type: 'object',
  required: ['object_id', 'object_type', 'sent_dttm', 'payload'],
  properties: {
    object_id: { type: 'integer', minimum: 1 },
    object_type: { const: 'order' },
    sent_dttm: { type: 'string', format: 'date-time' },
    payload: {
      type: 'object',
      required: ['restaurant', 'user', 'date', 'order_items', 'bonus_payment', 'cost', 'payment', 'bonus_grant', 'statuses', 'final_status', 'update_ts'],
      properties: {
        restaurant: { type: 'object', required: ['id'], properties: { id: id24 } },
        user: { type: 'object', required: ['id'], properties: { id: id24 } },
        date: { type: 'string', format: 'date-time' },
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
        statuses: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['status', 'dttm'],
            properties: { status: { enum: ORDER_STATUSES }, dttm: { type: 'string', format: 'date-time' } },
          },
        },
        final_status: { enum: ORDER_STATUSES },
        update_ts: { type: 'string', format: 'date-time' },
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
