import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.ts';
import { allocateOrderIds } from '../src/order-ids.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.drop());

describe('allocateOrderIds', () => {
  it('allocates a block of distinct ids in one query', async () => {
    let queries = 0;
    const counting = {
      query: ((...args: Parameters<pg.Pool['query']>) => {
        queries++;
        return database.pool.query(...args);
      }) as pg.Pool['query'],
    };
    const ids = await allocateOrderIds(counting, 500);
    expect(queries).toBe(1);
    expect(ids).toHaveLength(500);
    expect(new Set(ids).size).toBe(500);
    expect(ids.every((id) => Number.isSafeInteger(id) && id >= 1)).toBe(true);
  });

  it('never gives the same id to two sources allocating at once', async () => {
    const other = new pg.Pool({ connectionString: database.url, max: 3 });
    try {
      const blocks = await Promise.all(Array.from({ length: 12 }, (_, i) => allocateOrderIds(i % 2 ? other : database.pool, 250)));
      const all = blocks.flat();
      expect(new Set(all).size).toBe(12 * 250);
    } finally {
      await other.end();
    }
  });

  it('refuses a non-positive count', async () => {
    await expect(allocateOrderIds(database.pool, 0)).rejects.toThrow(RangeError);
  });
});
