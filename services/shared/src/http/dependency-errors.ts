// Which backing service a request failed in. The calls into Redis and Postgres that /push makes
// are wrapped where they happen, so that an outage is answered 503 naming the service instead of a
// bare 500, without guessing from error messages.
import { ReplyError } from 'ioredis';
import pg from 'pg';

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
 * Runs a Redis call; a failure to get an answer (connection refused or lost, retries per request
 * exhausted, offline queue flushed) becomes DependencyUnavailableError. An error Redis answered
 * with (ReplyError: a wrong type, a script error) is a bug, not an outage, and is left as it is.
 */
export async function fromRedis<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ReplyError) throw error;
    throw new DependencyUnavailableError('redis', error);
  }
}

/** SQLSTATE classes of a server that is there but not serving: connection exception, insufficient resources, operator intervention (shutdown, cancel). */
const UNAVAILABLE_SQLSTATE_CLASSES = new Set(['08', '53', '57']);

/**
 * Runs a Postgres call; a failure to get an answer (no connection, connection lost, pool timeout)
 * or an answer that the server is not serving becomes DependencyUnavailableError. Any other error
 * the server answered with (a missing sequence, a denied privilege) is left as it is.
 */
export async function fromPostgres<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof pg.DatabaseError && !UNAVAILABLE_SQLSTATE_CLASSES.has(String(error.code).slice(0, 2))) throw error;
    throw new DependencyUnavailableError('postgres', error);
  }
}
