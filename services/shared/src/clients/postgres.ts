import pg from 'pg';
import type { Logger } from '../logger.ts';

/**
 * Deadlines of every connection, so that a Postgres that stops answering without closing the
 * socket (half-open TCP, a stuck proxy) fails the work in bounded time instead of freezing it.
 */
export interface PostgresTimeouts {
  /** Client side (pg query_timeout): a query with no answer after this long fails; its connection is discarded. */
  queryTimeoutMs: number;
  /**
   * Server side (statement_timeout): Postgres cancels a longer statement, lock waits included. Below
   * queryTimeoutMs, so that a merely slow statement fails cleanly and keeps its connection.
   */
  statementTimeoutMs: number;
  /**
   * Server side (idle_in_transaction_session_timeout): Postgres ends a session idle inside a
   * transaction this long, releasing its row locks when its client hung or vanished mid-transaction.
   */
  idleInTransactionTimeoutMs: number;
}

/** The defaults of PG_QUERY_TIMEOUT_MS, PG_STATEMENT_TIMEOUT_MS and PG_IDLE_IN_TRANSACTION_TIMEOUT_MS (config.ts). */
export const DEFAULT_POSTGRES_TIMEOUTS: PostgresTimeouts = { queryTimeoutMs: 30_000, statementTimeoutMs: 25_000, idleInTransactionTimeoutMs: 60_000 };

/** Bounds both waiting for a free pooled client and opening a new connection (TCP and startup). */
const CONNECT_TIMEOUT_MS = 5000;
/** TCP keepalive probes on idle sockets, so that the OS eventually notices a peer that vanished. */
const KEEPALIVE_INITIAL_DELAY_MS = 10_000;

export interface PoolSettings {
  /**
   * Postgres' JIT compilation of a statement's expressions, off unless asked for. The services'
   * statements run for milliseconds over index probes, but their cost estimates grow with the
   * tables (a batch's rows come from jsonb, estimated at 100, times probes into a large table):
   * past jit_above_cost (100,000, the default) every execution was compiled first. Measured on
   * cdm's vault check of a 20-order batch, 100,000 orders in: 9.4 ms of JIT for 1.8 ms of work, and
   * at 1,000 orders/s cdm's backends used 0.77 cores instead of 0.13. Set-based scripts over whole
   * tables (rebuild, reconcile) leave the server's own setting.
   */
  jit?: boolean;
}

export function createPool(
  databaseUrl: string,
  log: Logger,
  max = 10,
  timeouts: PostgresTimeouts = DEFAULT_POSTGRES_TIMEOUTS,
  { jit = false }: PoolSettings = {},
): pg.Pool {
  // No lock_timeout: statement_timeout already bounds lock waits, and a shorter one would only turn
  // ordinary contention between partitions into retried batches.
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max,
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_INITIAL_DELAY_MS,
    query_timeout: timeouts.queryTimeoutMs,
    statement_timeout: timeouts.statementTimeoutMs,
    idle_in_transaction_session_timeout: timeouts.idleInTransactionTimeoutMs,
    ...(jit ? {} : { options: '-c jit=off' }),
  });
  // An idle client losing its server must not crash the process: the next query reconnects.
  pool.on('error', (error) => log.warn({ err: error }, 'idle postgres client failed'));
  return pool;
}

/**
 * Closes a client's socket at once, whatever it waits for: its pending queries reject ("Connection
 * terminated unexpectedly") and the client can only be discarded. pg has no public way to do this
 * (end() sends a goodbye and waits for a server that may never answer), hence the one reach into its
 * internals, `connection.stream`, kept here.
 */
export function destroyConnection(client: pg.ClientBase): void {
  const { connection } = client as unknown as { connection?: { stream?: { destroy(): void } } };
  connection?.stream?.destroy();
}

/** How long a cancel request may take to be sent; through a hung network it never arrives. */
const CANCEL_SEND_TIMEOUT_MS = 5000;

/**
 * Asks the server to cancel what a client is running, with Postgres' cancel request (its own
 * connection, the backend's secret key): an abandoned statement must not run on, holding the row
 * locks the retry of its batch needs, until the statement timeout. Postgres notices a client that
 * went away only when it next writes to it. Best effort: nothing waits for it.
 */
export function cancelRunningQuery(pool: pg.Pool, client: pg.ClientBase): void {
  const query = (client as unknown as { activeQuery?: unknown }).activeQuery;
  if (!query) return;
  try {
    const canceller = new pg.Client(pool.options);
    type Emitter = { on(event: string, listener: () => void): void };
    const connection = (canceller as unknown as { connection: Emitter & { stream: Emitter & { destroy(): void } } }).connection;
    // A refused or reset cancel connection must not become an unhandled 'error' event.
    connection.on('error', () => {});
    connection.stream.on('error', () => {});
    setTimeout(() => connection.stream.destroy(), CANCEL_SEND_TIMEOUT_MS).unref();
    (canceller as unknown as { cancel(client: pg.ClientBase, query: unknown): void }).cancel(client, query);
  } catch {
    // The statement timeout ends it anyway.
  }
}

/** 'Query read timeout' is pg's query_timeout: the query is abandoned, not cancelled, so the connection is unusable. */
export function isQueryTimeout(error: unknown): boolean {
  return error instanceof Error && error.message === 'Query read timeout';
}

export interface TransactionOptions {
  /**
   * Aborting it ends the transaction at once: the connection is destroyed (the server rolls back, or
   * — when COMMIT was already on its way — may have committed; effects are idempotent, so the caller
   * retries either way), the client is discarded, and inTransaction rejects with the signal's reason.
   */
  signal?: AbortSignal;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('transaction aborted');
}

/** pool.connect() that gives up when the signal aborts; a client arriving afterwards goes back to the pool. */
function checkout(pool: pg.Pool, signal: AbortSignal | undefined): Promise<pg.PoolClient> {
  if (!signal) return pool.connect();
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    pool.connect().then(
      (client) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) client.release();
        else resolve(client);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Runs work(client) in one transaction: COMMIT when it resolves, ROLLBACK when it rejects. A client
 * whose connection failed, timed out or was aborted is destroyed instead of going back to the pool.
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
  const { signal } = options;
  const client = await checkout(pool, signal);
  let broken = false;
  // A checked-out client has no 'error' listener of the pool's: a lost connection would crash the
  // process. Its pending queries reject on their own; the client is discarded on release.
  const onError = () => (broken = true);
  client.on('error', onError);
  let onAbort = () => {};
  // Settles only by rejecting, when the signal aborts: work() is not waited for once aborted.
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      broken = true;
      cancelRunningQuery(pool, client);
      destroyConnection(client);
      reject(abortReason(signal!));
    };
  });
  aborted.catch(() => {});
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await Promise.race([client.query('BEGIN'), aborted]);
    const running = work(client);
    running.catch(() => {}); // when aborted, its late rejection is of no interest
    const result = await Promise.race([running, aborted]);
    await Promise.race([client.query('COMMIT'), aborted]);
    return result;
  } catch (error) {
    // After a query timeout the abandoned query still holds the connection: a ROLLBACK would only
    // wait behind it. Discarding the connection rolls back on the server just as well.
    if (isQueryTimeout(error)) {
      broken = true;
      cancelRunningQuery(pool, client);
    }
    if (!broken) {
      try {
        await client.query('ROLLBACK');
      } catch {
        broken = true;
      }
    }
    throw signal?.aborted ? abortReason(signal) : error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    if (broken) {
      // Destroyed rather than ended: end() would wait for a goodbye a hung server never sends.
      destroyConnection(client);
      // pg reports the destroyed socket as an 'error' on the client, possibly after release.
      client.on('error', () => {});
    }
    client.off('error', onError);
    client.release(broken);
  }
}

/**
 * SELECT 1 on a pooled connection within timeoutMs, for health checks. A connection that does not
 * answer in time is destroyed, not returned to the pool, so a hung connection is never reused.
 */
export async function pingPostgres(pool: pg.Pool, timeoutMs: number): Promise<void> {
  const client = await pool.connect();
  let broken = false;
  const onError = () => (broken = true);
  client.on('error', onError);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    broken = true;
    destroyConnection(client);
  }, timeoutMs);
  try {
    await client.query('SELECT 1');
  } catch (error) {
    broken = true;
    throw timedOut ? new Error(`postgres did not answer within ${timeoutMs} ms`) : error;
  } finally {
    clearTimeout(timer);
    if (broken) client.on('error', () => {});
    client.off('error', onError);
    client.release(broken);
  }
}
