// dds_service: the order enriched with user and restaurant details, written by stg, read by dds.
import { id24Schema as id24, ORDER_STATUSES, orderItemSchema, statusHistorySchema, type OrderItem, type OrderStatus } from './order-event.ts';
import { moneySchema, orderIdSchema, textSchema, timestampSchema } from './primitives.ts';

export const enrichedOrderSchema = {
  $id: 'enriched-order',
  type: 'object',
  additionalProperties: false,
  required: ['object_id', 'object_type', 'payload'],
  properties: {
    object_id: orderIdSchema,
    object_type: { const: 'order' },
    payload: {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'date', 'update_ts', 'cost', 'payment', 'status', 'restaurant', 'user', 'products'],
      properties: {
        id: orderIdSchema,
        date: timestampSchema,
        update_ts: timestampSchema,
        cost: moneySchema,
        payment: moneySchema,
        status: { enum: ORDER_STATUSES },
        statuses: statusHistorySchema,
        restaurant: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'name'],
          properties: { id: id24, name: textSchema },
        },
        user: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'name', 'login'],
          properties: { id: id24, name: textSchema, login: textSchema },
        },
        products: {
          type: 'array',
          minItems: 1,
          maxItems: 50,
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
    /** Every status reached so far with its time, ending with status at update_ts (checked by stg); absent from older producers. */
    statuses?: Array<{ status: OrderStatus; dttm: string }>;
    restaurant: { id: string; name: string };
    user: { id: string; name: string; login: string };
    products: EnrichedProduct[];
  };
}
