// What a log line may carry: a plain, finite, secret-free copy of whatever a caller logs. Callers
// include libraries (kafkajs's debug lines hold Buffers, class instances and cycles), so nothing in
// a logged object may break the caller: bytes are summarised, cycles and depth cut, getters that
// throw reported, and fields named like secrets replaced wherever they sit.
import { stdSerializers } from 'pino';
import { REDACTED } from './scrub-secrets.ts';

/** Field names (any case) whose values are never logged. */
const SECRET_KEYS = new Set(['password', 'passwd', 'secret', 'apikey', 'api_key', 'x-api-key', 'authorization', 'cookie', 'set-cookie']);
/** Nested deeper than this, an object is summarised, not copied. */
const MAX_DEPTH = 8;
/** Longest array copied element by element; the rest is counted. */
const MAX_ITEMS = 200;

export const isSecretKey = (key: string): boolean => SECRET_KEYS.has(key.toLowerCase());

/**
 * A copy of `fields` (one log call's object) fit for JSON: top-level values under `passThrough`
 * keys are left to the logger's serializers (an error, a request), everything else is copied.
 */
export function loggableFields(fields: Record<string, unknown>, passThrough: ReadonlySet<string>): Record<string, unknown> {
  return copyFields(fields, (item, key) => (passThrough.has(key) ? item : loggable(item, 0, [fields])));
}

export function loggable(value: unknown, depth = 0, ancestors: object[] = []): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return value.toString();
    if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
    if (typeof value === 'symbol') return value.toString();
    return value;
  }
  if (ancestors.includes(value)) return '[circular]';
  if (ArrayBuffer.isView(value)) return `[${value.constructor.name} ${value.byteLength} bytes]`;
  if (value instanceof ArrayBuffer) return `[ArrayBuffer ${value.byteLength} bytes]`;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (depth >= MAX_DEPTH) return `[${value.constructor?.name ?? 'Object'} nested too deep]`;
  const inner = [...ancestors, value];
  const copy = (item: unknown) => loggable(item, depth + 1, inner);
  if (value instanceof Error) return copyFields(stdSerializers.err(value), copy);
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map(copy);
    if (value.length > MAX_ITEMS) items.push(`[${value.length - MAX_ITEMS} more]`);
    return items;
  }
  if (value instanceof Map) return copy(Object.fromEntries([...value].map(([k, v]) => [String(k), v])));
  if (value instanceof Set) return copy([...value]);
  const { toJSON } = value as { toJSON?: unknown };
  if (typeof toJSON === 'function') return copy(toJSON.call(value));
  return copyFields(value, copy);
}

/** Own enumerable fields, as JSON has them, each read on its own: a getter that throws spoils only its field. */
function copyFields(value: object, copy: (item: unknown, key: string) => unknown): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (isSecretKey(key)) {
      result[key] = REDACTED;
      continue;
    }
    try {
      result[key] = copy((value as Record<string, unknown>)[key], key);
    } catch (error) {
      result[key] = `[unreadable: ${error instanceof Error ? error.message : String(error)}]`;
    }
  }
  return result;
}
