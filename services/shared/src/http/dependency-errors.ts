// Which backing service a request failed in. The calls into Redis and Postgres that /push makes
// are wrapped where they happen, so that an outage is answered 503 naming the service instead of a
// bare 500, without guessing from error messages.
import pg from 'pg';
import { classifyError } from '../stage/error-class.ts';

export type Dependency = 'redis' | 'postgres';

/** A call to `dependency` failed because it could not be reached or is not serving right now. */
export class DependencyUnavailableError extends Error {
  override name = 'DependencyUnavailableError';
  constructor(
    readonly dependency: Dependency,
    override readonly cause: unknown,
  ) {
    super(`${dependency} unavailable: ${reasonOf(cause)}`);
  }
}

/** The cause's own message, without a trailing full stop, to quote inside a sentence. */
export function reasonOf(cause: unknown): string {
  const text = (cause instanceof Error ? cause.message : String(cause)).trim();
  return text.replace(/[.\s]+$/, '') || 'unknown error';
}

/**
 * Runs a Redis call; any failure becomes DependencyUnavailableError: no answer (connection refused
 * or lost, retries per request exhausted, offline queue flushed), or an error reply, which for the
 * reads made here is the server's state (LOADING, NOAUTH, NOPERM, MASTERDOWN), as the stages class it.
 */
export async function fromRedis<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    throw new DependencyUnavailableError('redis', error);
  }
}

/**
 * Runs a Postgres call; a failure to get an answer (no connection, connection lost, pool timeout)
 * or an error of the server's or the deployment's state, as the stages class them (shutting down,
 * read-only, a relation or privilege missing), becomes DependencyUnavailableError. An error of the
 * values (a number out of range) is left as it is.
 */
export async function fromPostgres<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof pg.DatabaseError && classifyError(error) !== 'transient') throw error;
    throw new DependencyUnavailableError('postgres', error);
  }
}
