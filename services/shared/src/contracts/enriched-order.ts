// dds_service: the order enriched with user and restaurant details, written by stg, read by dds.
import { ORDER_STATUSES, type OrderStatus } from './order-event.ts';

const id24 = { type: 'string', pattern: '^[0-9a-f]{24}$' } as const;

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
          items: {
            type: 'object',
            required: ['id', 'price', 'quantity', 'name', 'category'],
            properties: {
              id: id24,
              price: { type: 'integer', minimum: 1 },
              quantity: { type: 'integer', minimum: 1 },
              name: { type: 'string', minLength: 1 },
              category: { type: 'string', minLength: 1 },
            },
          },
        },
      },
    },
  },
} as const;

export interface EnrichedProduct {
  id: string;
  price: number;
  quantity: number;
  name: string;
  category: string;
}

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
