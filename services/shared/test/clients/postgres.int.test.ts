// Deadlines of the Postgres pool against a real Postgres, hung on purpose through a proxy that
// blackholes (every socket stays open, no byte passes, nothing is closed).
import { randomInt } from 'node:crypto';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { rejection } from '../../../../test/support/rejection.ts';
import { startTcpProxy, type TcpProxy } from '../../../../test/support/tcp-proxy.ts';
import { createPool, DEFAULT_POSTGRES_TIMEOUTS, inTransaction, pingPostgres, type PostgresTimeouts } from '../../src/clients/postgres.ts';
import { createLogger } from '../../src/logger.ts';

const DIRECT = 'postgres://postgres@127.0.0.1:5432/postgres';
const log = createLogger('test', 'silent');

let proxy: TcpProxy | undefined;
const pools: pg.Pool[] = [];
afterEach(async () => {
  proxy?.restore();
  await Promise.all(pools.splice(0).map((pool) => pool.end()));
  await proxy?.close();
  proxy = undefined;
});

async function pool(options: { viaProxy: boolean; max?: number; timeouts?: Partial<PostgresTimeouts> }): Promise<pg.Pool> {
  let url = DIRECT;
  if (options.viaProxy) {
    proxy = await startTcpProxy({ host: '127.0.0.1', port: 5432 });
    url = `postgres://postgres@${proxy.address}/postgres`;
  }
  const created = createPool(url, log, options.max ?? 1, { ...DEFAULT_POSTGRES_TIMEOUTS, ...options.timeouts });
  pools.push(created);
  return created;
}

async function direct<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DIRECT });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const backendAlive = (pid: number) =>
  direct(async (c) => (await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [pid])).rows[0].n === 1);

const pidOf = async (db: pg.Pool | pg.ClientBase) => (await db.query('SELECT pg_backend_pid() AS pid')).rows[0].pid as number;

describe('postgres pool deadlines', () => {
  it('gives every connection the server-side timeouts', async () => {
    const db = await pool({ viaProxy: false, timeouts: { statementTimeoutMs: 1500, idleInTransactionTimeoutMs: 60_000 } });
    const settings = await db.query(
      "SELECT current_setting('statement_timeout') AS statement, current_setting('idle_in_transaction_session_timeout') AS idle, current_setting('lock_timeout') AS lock",
    );
    expect(settings.rows[0]).toEqual({ statement: '1500ms', idle: '1min', lock: '0' });
  });

  it('compiles no statement with JIT unless asked: a costly plan runs without it; { jit: true } leaves the server its own', async () => {
    // jit_above_cost 0 makes every statement costly enough: what the services' batch statements
    // became once their cost estimates grew with the tables.
    const jitted = async (db: pg.Pool) =>
      inTransaction(db, async (client) => {
        await client.query('SET LOCAL jit_above_cost = 0');
        const { rows } = await client.query<{ 'QUERY PLAN': string }>('EXPLAIN (ANALYZE) SELECT sum(x) FROM generate_series(1, 1000) AS x');
        return rows.some((row) => row['QUERY PLAN'].startsWith('JIT'));
      });
    const services = await pool({ viaProxy: false });
    expect((await services.query('SHOW jit')).rows[0].jit).toBe('off');
    expect(await jitted(services)).toBe(false);

    const serverDefault = createPool(DIRECT, log, 1, DEFAULT_POSTGRES_TIMEOUTS, { jit: true });
    pools.push(serverDefault);
    const server = await direct(async (c) => (await c.query("SELECT current_setting('jit') AS jit, pg_jit_available() AS available")).rows[0]);
    expect((await serverDefault.query('SHOW jit')).rows[0].jit).toBe(server.jit);
    if (server.jit === 'on' && server.available) expect(await jitted(serverDefault)).toBe(true);
  });

  it('a statement over the statement timeout is cancelled by Postgres; the connection is rolled back and kept', async () => {
    const db = await pool({ viaProxy: false, timeouts: { statementTimeoutMs: 300 } });
    const pid = await pidOf(db);
    const { error, ms } = await rejection(inTransaction(db, (c) => c.query('SELECT pg_sleep(5)')));
    expect((error as Error & { code?: string }).code).toBe('57014'); // query_canceled
    expect(ms).toBeLessThan(2000);
    expect(await pidOf(db)).toBe(pid);
  });

  it('a query on a hung connection fails after the query timeout; inTransaction discards the connection without waiting for a ROLLBACK', async () => {
    const db = await pool({ viaProxy: true, timeouts: { queryTimeoutMs: 1000, statementTimeoutMs: 800 } });
    const hungPid = await pidOf(db);
    proxy!.blackhole();
    const { error, ms } = await rejection(inTransaction(db, (c) => c.query('SELECT 1')));
    expect(error.message).toBe('Query read timeout');
    // One query timeout (BEGIN), not a second one for a ROLLBACK queued behind it.
    expect(ms).toBeGreaterThanOrEqual(900);
    expect(ms).toBeLessThan(1800);
    expect(db.totalCount).toBe(0);
    proxy!.restore();
    // The next transaction gets a new connection at once instead of the hung one.
    const startedAt = Date.now();
    const pid = await inTransaction(db, (c) => pidOf(c));
    expect(Date.now() - startedAt).toBeLessThan(1000);
    expect(pid).not.toBe(hungPid);
    await expect.poll(() => backendAlive(hungPid), { timeout: 5000 }).toBe(false);
  });

  it('inTransaction ends at once when its signal aborts: the connection is destroyed, nothing is committed', async () => {
    const db = await pool({ viaProxy: true }); // default timeouts: the query alone would wait 30 s
    await direct((c) => c.query('CREATE TABLE IF NOT EXISTS deadline_abort_test (id int)'));
    try {
      const controller = new AbortController();
      const reason = new Error('batch deadline exceeded');
      let hungPid = 0;
      const transaction = inTransaction(
        db,
        async (c) => {
          hungPid = await pidOf(c);
          await c.query('INSERT INTO deadline_abort_test VALUES (1)');
          proxy!.blackhole();
          setTimeout(() => controller.abort(reason), 200);
          await c.query('SELECT 1');
        },
        { signal: controller.signal },
      );
      const { error, ms } = await rejection(transaction);
      expect(error).toBe(reason);
      expect(ms).toBeLessThan(1000);
      expect(db.totalCount).toBe(0);
      proxy!.restore();
      // The server learns the session is gone (as the late FIN arrives) and rolls it back.
      await expect.poll(() => backendAlive(hungPid), { timeout: 5000 }).toBe(false);
      expect((await direct((c) => c.query('SELECT count(*)::int AS n FROM deadline_abort_test'))).rows[0].n).toBe(0);
      // The pool works on.
      expect(await inTransaction(db, async (c) => (await c.query('SELECT 2 AS two')).rows[0].two, { signal: new AbortController().signal })).toBe(2);
    } finally {
      await direct((c) => c.query('DROP TABLE IF EXISTS deadline_abort_test'));
    }
  });

  it('inTransaction with a signal already aborted rejects without taking a connection', async () => {
    const db = await pool({ viaProxy: false });
    const reason = new Error('stopping');
    await expect(inTransaction(db, () => Promise.resolve(1), { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(db.totalCount).toBe(0);
  });

  it('inTransaction stops waiting for a pooled connection when its signal aborts, and the connection goes back to the pool', async () => {
    const db = await pool({ viaProxy: false, max: 1 });
    const held = await db.connect();
    const controller = new AbortController();
    const transaction = inTransaction(db, () => Promise.resolve(1), { signal: controller.signal });
    setTimeout(() => controller.abort(new Error('stopping')), 100);
    const { error, ms } = await rejection(transaction);
    expect(error.message).toBe('stopping');
    expect(ms).toBeLessThan(1000);
    held.release();
    await expect.poll(() => db.idleCount).toBe(1);
    expect(await inTransaction(db, async () => 3)).toBe(3);
  });

  it('Postgres ends a session left idle in a transaction by a hung client, releasing its locks', async () => {
    const db = await pool({ viaProxy: true, timeouts: { queryTimeoutMs: 5000, statementTimeoutMs: 4000, idleInTransactionTimeoutMs: 1000 } });
    const key = randomInt(1, 2 ** 31 - 1);
    const hung = inTransaction(db, async (c) => {
      await c.query('SELECT pg_advisory_xact_lock($1)', [key]);
      proxy!.blackhole(); // from here the server sees a client that went quiet inside its transaction
      await c.query('SELECT 1');
    });
    hung.catch(() => {});
    const startedAt = Date.now();
    // Another session gets the lock once the server gave up on the hung one (not after the 5 s query timeout).
    await expect
      .poll(() => direct(async (c) => (await c.query('SELECT pg_try_advisory_lock($1) AS got', [key])).rows[0].got as boolean), {
        timeout: 4000,
        interval: 200,
      })
      .toBe(true);
    expect(Date.now() - startedAt).toBeLessThan(4000);
    await expect(hung).rejects.toThrow('Query read timeout');
  });

  it('pingPostgres fails in time on a hung connection and destroys it, so the next ping does not reuse it', async () => {
    const db = await pool({ viaProxy: true, max: 1 }); // default 30 s query timeout
    await pidOf(db);
    proxy!.blackhole();
    const { error, ms } = await rejection(pingPostgres(db, 300));
    expect(error.message).toBe('postgres did not answer within 300 ms');
    expect(ms).toBeLessThan(1000);
    expect(db.totalCount).toBe(0);
    proxy!.restore();
    const startedAt = Date.now();
    await pingPostgres(db, 300);
    expect(Date.now() - startedAt).toBeLessThan(1000);
  });
});
