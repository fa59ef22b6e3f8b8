// node --import tsx bench/write-path.ts [--orders 20000] [--batch 1000]
// Each consuming stage's write alone, without Kafka: the same realistic orders pushed straight into
// stg.write, dds.write and cdm.write (one transaction per batch, batches one after the other) on a
// fresh database. Tells how many orders/s each stage's SQL and transform allow on this machine, and
// how that splits between this process (transform, parameters) and Postgres.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import type pg from 'pg';
import { ensureDatabase } from '../scripts/migrate/ensure-database.ts';
import { runMigrations } from '../scripts/migrate/run.ts';
import { cdmStage } from '../services/cdm/src/cdm-stage.ts';
import type { ClosedOrder, EnrichedOrder, OrderEvent } from '@orders-dwh/shared/contracts';
import type { ReferenceRestaurant } from '@orders-dwh/shared/reference';
import { ddsStage } from '../services/dds/src/dds-stage.ts';
import { collectingContext } from '@orders-dwh/shared/stage';
import { createPool } from '@orders-dwh/shared/clients';
import { createLogger } from '@orders-dwh/shared/logging';
import { createOrderGenerator } from '../services/source/src/order-generator.ts';
import { seededRandom } from '../services/source/src/random.ts';
import { generateReferenceData } from '../services/source/src/reference-data.ts';
import { enrichOrder } from '../services/stg/src/enrich-order.ts';
import { upsertOrderEvents } from '../services/stg/src/order-events-store.ts';
import { dropDatabase } from '../test/support/database.ts';
import { chunkSizes } from './src/stats.ts';
import { cpuBetween, cpuSnapshot, pidsByCommand } from './src/proc-stats.ts';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '20000' }, batch: { type: 'string', default: '1000' } } });
const orders = Number(values.orders);
const batch = Number(values.batch);

const name = `dwh_bench_${randomBytes(4).toString('hex')}`;
const url = `postgres://postgres@127.0.0.1:5432/${name}`;
await ensureDatabase(url);
await runMigrations(url);
// Sessions as the services open them: JIT off, the same timeouts.
const pool = createPool(url, createLogger('write-path', 'silent'), 2);

try {
  const reference = generateReferenceData({ users: 100, restaurants: 10, seed: 42 });
  const generate = createOrderGenerator({
    random: seededRandom(7),
    reference: { userIds: reference.users.map((u) => u.id), restaurants: reference.restaurants },
    cancelShare: 0.1,
  });
  const users = new Map(reference.users.map((u) => [u.id, u]));
  const restaurants = new Map<string, ReferenceRestaurant>(reference.restaurants.map((r) => [r.id, r]));
  const events: OrderEvent[] = Array.from({ length: orders }, (_, i) => generate(i + 1));
  const enriched: EnrichedOrder[] = events.map((e) => enrichOrder(e, users.get(e.payload.user.id)!, restaurants.get(e.payload.restaurant.id)!));

  const loadDt = new Date();
  async function timed<T>(label: string, items: T[], write: (db: pg.PoolClient, part: T[]) => Promise<unknown>): Promise<unknown[]> {
    const outputs: unknown[] = [];
    const cpu = process.cpuUsage();
    const pgBefore = cpuSnapshot(pidsByCommand(['postgres']));
    const started = performance.now();
    let offset = 0;
    for (const size of chunkSizes(items.length, batch)) {
      const part = items.slice(offset, offset + size);
      offset += size;
      const db = await pool.connect();
      try {
        await db.query('BEGIN');
        const out = await write(db, part);
        await db.query('COMMIT');
        if (Array.isArray(out)) outputs.push(...out);
      } finally {
        db.release();
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const pgCpu = cpuBetween(pgBefore, cpuSnapshot(pidsByCommand(['postgres'])));
    const nodeCpu = (used.user + used.system) / 1e6;
    console.log(
      `${label.padEnd(4)} ${items.length} rows in ${seconds.toFixed(2)} s = ${(items.length / seconds).toFixed(0).padStart(6)}/s;` +
        ` node ${((nodeCpu / items.length) * 1e6).toFixed(0).padStart(4)} µs/row, postgres ${((pgCpu / items.length) * 1e6).toFixed(0).padStart(4)} µs/row (all backends)`,
    );
    return outputs;
  }

  await timed('stg', events, (db, part) => upsertOrderEvents(db, part, loadDt));
  const closed = (await timed('dds', enriched, (db, part) => ddsStage.write(db, part, collectingContext(loadDt)))) as Array<{ value: ClosedOrder }>;
  await timed(
    'cdm',
    closed.map((m) => m.value),
    (db, part) => cdmStage.write(db, part, collectingContext(loadDt)),
  );
} finally {
  await pool.end();
  await dropDatabase(name);
}
