// Ids in URLs are the business ids users know; the datamarts and the vault are keyed by hub hash
// keys, derived from them by hubHashKey exactly as dds derives them.
import { BUSINESS_ID_PATTERN } from '@orders-dwh/shared/contracts';

/** A user or product id of the reference data: 24 hexadecimal characters (a MongoDB ObjectId). */
export const businessIdSchema = (what: string) =>
  ({ type: 'string', pattern: BUSINESS_ID_PATTERN, description: `a ${what} id: 24 hexadecimal characters` }) as const;

/** An order id of the source system: a positive integer. */
export const orderIdSchema = { type: 'string', pattern: '^[1-9][0-9]{0,17}$', description: 'an order id: a positive integer' } as const;

export const limitSchema = (fallback: number, max: number) =>
  ({ type: 'integer', minimum: 1, maximum: max, default: fallback, description: `an integer from 1 to ${max}` }) as const;

export const userParamsSchema = { type: 'object', required: ['userId'], properties: { userId: businessIdSchema('user') } } as const;
