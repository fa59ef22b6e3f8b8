// dds_service: the order enriched with user and restaurant details, written by stg, read by dds.
import { id24Schema as id24, ORDER_STATUSES, orderItemSchema, type OrderItem, type OrderStatus } from './order-event.ts';

export const enrichedOrderSchema = {
  $id: 'enriched-order',
  type: 'object',
  required: ['object_id', 'object_type', 'payload'],
  properties: {
    object_id: { type: 'integer', minimum: 1 },
    object_type: { const: 'order' },
    payload: {
      type: 'object',
      required: ['id', 'date', 'update_ts', 'cost', 'payment', 'status', 'restaurant', 'user', 'products'],
      properties: {
        id: { type: 'integer', minimum: 1 },
        date: { type: 'string', format: 'date-time' },
        update_ts: { type: 'string', format: 'date-time' },
        cost: { type: 'number', minimum: 0 },
        payment: { type: 'number', minimum: 0 },
        status: { enum: ORDER_STATUSES },
        restaurant: {
          type: 'object',
          required: ['id', 'name'],
          properties: { id: id24, name: { type: 'string', minLength: 1 } },
        },
        user: {
          type: 'object',
          required: ['id', 'name', 'login'],
          properties: { id: id24, name: { type: 'string', minLength: 1 }, login: { type: 'string', minLength: 1 } },
        },
        products: {
          type: 'array',
          minItems: 1,
          items: orderItemSchema,
        },
      },
    },
  },
} as const;

export type EnrichedProduct = OrderItem;

export interface EnrichedOrder {
  object_id: number;
  object_type: 'order';
  payload: {
    id: number;
    date: string;
    /** When the order's current status was reached; orders the events of one order. */
    update_ts: string;
    cost: number;
    payment: number;
    status: OrderStatus;
    restaurant: { id: string; name: string };
    user: { id: string; name: string; login: string };
    products: EnrichedProduct[];
  };
}
