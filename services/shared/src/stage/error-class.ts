// Which failures of a batch are the world's (transient: hold the batch, retry it with backoff) and
// which are the data's (poison: find the message, dead-letter it with the error, go on). The spec's
// rule: the transient ones are listed, anything else raised while preparing or writing a message
// is that message's fault.

export type ErrorClass = 'poison' | 'transient';

/**
 * Postgres SQLSTATEs that say the server, the connection or the deployment is in trouble, not the
 * data: 08 connection, 53 insufficient resources, 57P shutdown, 40001 serialization failure, 40P01
 * deadlock (the spec's list), and as environmental as those:
 * - the rest of 57 (operator intervention: 57014 statement timeout), 55 (object not in the state
 *   needed: 55P03 lock timeout), 58 system/I-O error, XX internal error;
 * - 25006 read-only transaction (a standby, a failover, default_transaction_read_only) and 25P03
 *   idle-in-transaction timeout;
 * - 28 authentication, 3D no such database, 3F no such schema, 0A feature not supported, and all of
 *   42 (no such table, column or function, a missing privilege): the deployment does not match the
 *   code (a migration not run, a grant missing). The SQL is fixed and its values are parameters,
 *   so no message's data can raise these; dead-lettering would empty the whole stream into the
 *   dead letters until the operator fixes it, where holding it loses nothing.
 * What a message's values can raise (22 data exception, 23 constraint, 54 limit exceeded, a
 * trigger's raise) stays the message's fault.
 */
const TRANSIENT_SQLSTATE = [/^08/, /^53/, /^57/, /^40001$/, /^40P01$/, /^55/, /^58/, /^XX/, /^25006$/, /^25P03$/, /^28/, /^3D/, /^3F/, /^0A/, /^42/];

/** Socket errors of node: the network, not the message. */
const TRANSIENT_SYSTEM_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNABORTED',
  'ERR_STREAM_DESTROYED',
  'ERR_SOCKET_CLOSED',
]);

/** Errors pg and ioredis raise without a code when a connection is lost, times out or is closed. */
const TRANSIENT_CLIENT_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|Client was closed|not queryable|Client has encountered a connection error|Connection is closed|Command timed out|Stream isn't writeable|Reached the max retries per request limit|ready check failed/i;

/** Thrown by stage code for a value it refuses; always poison. */
export class PoisonError extends Error {
  override name = 'PoisonError';
}

/**
 * Thrown by stage code when the state of a dependency, which no message can cause, stops the batch
 * (the reference data gone from Redis); always transient: the batch waits until it is mended.
 */
export class DependencyStateError extends Error {
  override name = 'DependencyStateError';
}

/**
 * Thrown by stage code when another transaction stored what this batch was checked against while
 * the batch was being written; always transient: written again, the batch is checked against it.
 */
export class ConcurrentWriteError extends Error {
  override name = 'ConcurrentWriteError';
}

function sqlState(error: unknown): string | null {
  const code = (error as { code?: unknown } | null)?.code;
  // pg's DatabaseError carries a severity; node's own errors have E-codes of the same shape (EPIPE).
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && (error as { severity?: unknown }).severity !== undefined ? code : null;
}

export function classifyError(error: unknown): ErrorClass {
  if (error instanceof BatchStepError) return classifyError(error.cause);
  if (error instanceof PoisonError) return 'poison';
  if (error instanceof DependencyStateError || error instanceof ConcurrentWriteError) return 'transient';
  if (!(error instanceof Error)) return 'poison';
  const state = sqlState(error);
  if (state) return TRANSIENT_SQLSTATE.some((pattern) => pattern.test(state)) ? 'transient' : 'poison';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && TRANSIENT_SYSTEM_CODES.has(code)) return 'transient';
  // Redis answered with an error. The stages only read it (MGET of reference keys), and no value of a
  // message can make a read fail: the server's state does (LOADING its data after a restart,
  // NOAUTH, WRONGPASS or NOPERM after an auth or ACL change, MASTERDOWN, BUSY).
  if (error.name === 'ReplyError') return 'transient';
  // Deadlines and aborts (ours and the clients'), and every kafkajs error: all about time or the broker.
  if (['AbortError', 'TimeoutError', 'BatchDeadlineError', 'MaxRetriesPerRequestError'].includes(error.name) || error.name.startsWith('KafkaJS'))
    return 'transient';
  if (TRANSIENT_CLIENT_MESSAGES.test(error.message)) return 'transient';
  return 'poison';
}

/** One line for a dead letter's reason: the error's SQLSTATE (if any) and message. */
export function describeError(error: unknown): string {
  if (error instanceof BatchStepError) return `${error.step}: ${describeError(error.cause)}`;
  const state = sqlState(error);
  const message = error instanceof Error ? error.message : String(error);
  const name = error instanceof Error && !state ? `${error.name}: ` : '';
  return `${state ? `postgres ${state}: ` : name}${message}`;
}

/** Which step of a batch failed, so that /health names the dependency that is down. */
export type BatchStep = 'prepare' | 'postgres' | 'kafka';

/** An error of one step of a batch; classified and described by its cause. */
export class BatchStepError extends Error {
  override name = 'BatchStepError';
  constructor(
    readonly step: BatchStep,
    override readonly cause: unknown,
  ) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

/**
 * Runs one step; its error travels tagged with the step (an inner step's tag is kept). With a
 * signal (the attempt's deadline), a step still running when it aborts gets graceMs to settle on its
 * own, then fails with the abort's reason, tagged with this step: so an abandoned attempt names the
 * dependency it was waiting for.
 */
export async function atStep<T>(step: BatchStep, work: () => Promise<T>, abandon?: { signal: AbortSignal; graceMs: number }): Promise<T> {
  try {
    if (abandon) throwIfAbortedAt(step, abandon.signal);
    const running = work();
    return await (abandon ? abandonedAfter(running, abandon.signal, abandon.graceMs) : running);
  } catch (error) {
    throw error instanceof BatchStepError ? error : new BatchStepError(step, error);
  }
}

/** Fails tagged with `step` when the signal has aborted (between two steps). */
export function throwIfAbortedAt(step: BatchStep, signal: AbortSignal): void {
  if (signal.aborted) throw new BatchStepError(step, signal.reason);
}

/** The work's own outcome, or — once the signal aborted and graceMs passed — the abort reason. */
function abandonedAfter<T>(work: Promise<T>, signal: AbortSignal, graceMs: number): Promise<T> {
  work.catch(() => {});
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => (timer = setTimeout(() => reject(signal.reason), graceMs));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    });
  });
}
