import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { closedOrderSchema, type ClosedOrder } from './closed-order.ts';
import { enrichedOrderSchema, type EnrichedOrder } from './enriched-order.ts';
import { orderEventSchema, type OrderEvent } from './order-event.ts';
import { MAX_TEXT_LENGTH, textSchema } from './primitives.ts';
import { isContractTimestamp } from './timestamp.ts';

export type Validation<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Checks an already-parsed JSON value against one message contract. */
export type Contract<T> = (value: unknown) => Validation<T>;

const ajv = new Ajv({ allErrors: false, strict: true }).addFormat('timestamp', { type: 'string', validate: isContractTimestamp });

function describe(errors: ErrorObject[] | null | undefined): string {
  const first = errors?.[0];
  if (!first) return 'does not match its contract';
  const where = first.instancePath || '(root)';
  if (first.keyword === 'pattern' && first.params.pattern === textSchema.pattern)
    return `${where} must be 1 to ${MAX_TEXT_LENGTH} characters, none of them NUL or a lone surrogate`;
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
