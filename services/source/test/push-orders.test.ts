import { describe, expect, it } from 'vitest';
import type { OrderEvent } from '@orders-dwh/shared/contracts';
import { createOrderGenerator } from '../src/order-generator.ts';
import { pushOrders, PushFailedError, PushStoppedError, type OrderSink } from '../src/push-orders.ts';
import { seededRandom } from '../src/random.ts';
import { generateReferenceData } from '../src/reference-data.ts';

const data = generateReferenceData({ users: 10, restaurants: 3, seed: 1 });
const generate = createOrderGenerator({ random: seededRandom(1), reference: { userIds: data.users.map((u) => u.id), restaurants: data.restaurants } });

/** Ids from a counter, as the Postgres sequence hands them out; records each block size. */
function counterIds() {
  let next = 1;
  const blocks: number[] = [];
  return {
    blocks,
    allocateIds: async (count: number) => {
      blocks.push(count);
      return Array.from({ length: count }, () => next++);
    },
  };
}

/** Keeps every batch it was sent; optionally fails on the given batch number. */
class ArraySink implements OrderSink {
  batches: Array<Array<{ key: string; value: string }>> = [];
  constructor(private readonly failOnBatch = -1) {}
  async send(messages: Array<{ key: string; value: string }>): Promise<void> {
    if (this.batches.length === this.failOnBatch) throw new Error('broker unavailable');
    this.batches.push(messages);
  }
}

describe('pushOrders', () => {
  it('sends N orders in batches of batchSize, keyed by order id', async () => {
    const ids = counterIds();
    const sink = new ArraySink();
    const pushed = await pushOrders({ count: 2503, batchSize: 1000, allocateIds: ids.allocateIds, eventsFor: (id) => [generate(id)], sink });
    expect(pushed).toBe(2503);
    expect(ids.blocks).toEqual([1000, 1000, 503]);
    expect(sink.batches.map((b) => b.length)).toEqual([1000, 1000, 503]);
    const all = sink.batches.flat();
    expect(new Set(all.map((m) => m.key)).size).toBe(2503);
    for (const message of all) expect(String((JSON.parse(message.value) as OrderEvent).object_id)).toBe(message.key);
  });

  it('sends every event of an order under its key in lifecycle mode, counting orders', async () => {
    const sink = new ArraySink();
    const pushed = await pushOrders({ count: 3, batchSize: 2, allocateIds: counterIds().allocateIds, eventsFor: (id) => [generate(id), generate(id)], sink });
    expect(pushed).toBe(3);
    expect(sink.batches.flat().map((m) => m.key)).toEqual(['1', '1', '2', '2', '3', '3']);
  });

  it('reports how many orders were acknowledged when a batch fails', async () => {
    const sink = new ArraySink(2);
    const failure = await pushOrders({ count: 50, batchSize: 10, allocateIds: counterIds().allocateIds, eventsFor: (id) => [generate(id)], sink }).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(PushFailedError);
    expect((failure as PushFailedError).pushed).toBe(20);
    expect(sink.batches.flat()).toHaveLength(20);
  });

  it('stops before the next batch once its signal aborts, with the reason as the cause', async () => {
    const stop = new AbortController();
    const sink = new ArraySink();
    const allocateIds = counterIds().allocateIds;
    const failure = await pushOrders({
      count: 50,
      batchSize: 10,
      allocateIds: async (n) => {
        if (sink.batches.length === 3) stop.abort(new PushStoppedError('shutting_down'));
        return allocateIds(n);
      },
      eventsFor: (id) => [generate(id)],
      sink,
      signal: stop.signal,
    }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PushFailedError);
    expect((failure as PushFailedError).pushed).toBe(40);
    expect((failure as PushFailedError).cause).toBeInstanceOf(PushStoppedError);
    expect(sink.batches).toHaveLength(4);
  });
});
