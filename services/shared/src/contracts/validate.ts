import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { closedOrderSchema, type ClosedOrder } from './closed-order.ts';
import { enrichedOrderSchema, type EnrichedOrder } from './enriched-order.ts';
import { orderEventSchema, type OrderEvent } from './order-event.ts';

export type Validation<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Checks an already-parsed JSON value against one message contract. */
export type Contract<T> = (value: unknown) => Validation<T>;

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ allErrors: false, strict: true }));

function describe(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return 'does not match its contract';
  const where = first.instancePath || '(root)';
  const extra = first.keyword === 'enum' ? `: ${JSON.stringify(first.params.allowedValues)}` : '';
  return `${where} ${first.message ?? 'is invalid'}${extra}`;
}

function contract<T>(schema: object): Contract<T> {
  const check: ValidateFunction = ajv.compile(schema);
  return (value) => (check(value) ? { ok: true, value: value as T } : { ok: false, reason: describe(check.errors) });
}

export const orderEventContract: Contract<OrderEvent> = contract(orderEventSchema);
export const enrichedOrderContract: Contract<EnrichedOrder> = contract(enrichedOrderSchema);
export const closedOrderContract: Contract<ClosedOrder> = contract(closedOrderSchema);
