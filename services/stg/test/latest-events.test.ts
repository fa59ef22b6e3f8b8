import { describe, expect, it } from 'vitest';
import { latestEventPerOrder } from '../src/latest-events.ts';
import { orderEvent } from './order-fixtures.ts';

const item = (event: ReturnType<typeof orderEvent>, tag: string) => ({ event, tag });

describe('latestEventPerOrder', () => {
  it('keeps one event per order, the one with the latest update_ts', () => {
    const result = latestEventPerOrder([
      item(orderEvent(1, 'CLOSED'), 'closed-1'),
      item(orderEvent(2, 'OPEN'), 'open-2'),
      item(orderEvent(1, 'OPEN'), 'open-1'),
      item(orderEvent(2, 'COOKING'), 'cooking-2'),
    ]);
    expect(result.map((r) => r.tag).sort()).toEqual(['closed-1', 'cooking-2']);
  });

  it('takes the later one in the batch on equal update_ts', () => {
    const result = latestEventPerOrder([item(orderEvent(1), 'first'), item(orderEvent(1), 'second')]);
    expect(result.map((r) => r.tag)).toEqual(['second']);
  });

  it('compares instants, not strings, across time zones', () => {
    const utc = orderEvent(1, 'OPEN');
    const offset = orderEvent(1, 'OPEN');
    utc.payload.update_ts = '2025-03-01T10:30:00Z';
    offset.payload.update_ts = '2025-03-01T12:00:00+03:00'; // 09:00Z: earlier, though its string sorts higher
    expect(latestEventPerOrder([item(utc, 'utc'), item(offset, 'offset')]).map((r) => r.tag)).toEqual(['utc']);
  });
});
