import { isUtf8 } from 'node:buffer';
import type { Contract } from '../contracts/validate.ts';

export interface RawMessage {
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
}

export interface DecodedMessage<In> {
  raw: RawMessage;
  value: In;
}

export interface RejectedMessage {
  raw: RawMessage;
  reason: string;
}

/** Parses and validates a batch; every message ends up either decoded or rejected with a reason. */
export function decodeBatch<In>(messages: RawMessage[], contract: Contract<In>): { decoded: DecodedMessage<In>[]; rejected: RejectedMessage[] } {
  const decoded: DecodedMessage<In>[] = [];
  const rejected: RejectedMessage[] = [];
  for (const raw of messages) {
    if (!raw.value || raw.value.length === 0) {
      rejected.push({ raw, reason: 'empty message value' });
      continue;
    }
    // toString() would turn each invalid byte into U+FFFD and the name would be stored altered.
    if (!isUtf8(raw.value)) {
      rejected.push({ raw, reason: 'not UTF-8: the value holds bytes that are not valid UTF-8 (JSON text must be)' });
      continue;
    }
    let json: unknown;
    try {
      json = JSON.parse(raw.value.toString('utf8'));
    } catch (error) {
      rejected.push({ raw, reason: `not JSON: ${(error as Error).message}` });
      continue;
    }
    const result = contract(json);
    if (result.ok) decoded.push({ raw, value: result.value });
    else rejected.push({ raw, reason: `contract: ${result.reason}` });
  }
  return { decoded, rejected };
}
