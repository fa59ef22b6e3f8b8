import { Redis, type Command, type RedisOptions } from 'ioredis';
import type { Logger } from '../logger.ts';

export interface RedisTimeouts {
  /** A command with no answer after this long fails, and the connection is dropped and made again. */
  commandTimeoutMs: number;
}

/** The default of REDIS_COMMAND_TIMEOUT_MS (config.ts). */
export const DEFAULT_REDIS_TIMEOUTS: RedisTimeouts = { commandTimeoutMs: 5000 };

const COMMAND_TIMED_OUT = 'Command timed out';

type Connection = Redis['stream'];

/**
 * ioredis that drops its connection when a command it wrote times out.
 *
 * ioredis matches replies to commands by their order on the connection, and a command that timed
 * out stays in that queue. On a connection that lost bytes (a stuck proxy) or that still owes the
 * reply, every later reply would go to the command before it — a read could return another key's
 * value. So a connection on which a written command timed out is never read again: it is destroyed
 * at once (not ended: end() keeps reading until the server says goodbye, if it ever does), and
 * ioredis reconnects as after any lost connection, re-sending the commands still waiting for a
 * reply on the new connection, each then matched to its own reply. A command that timed out may
 * thus run once more, as after any reconnection of ioredis; the project's commands are reads and
 * idempotent writes.
 */
export class DeadlineRedis extends Redis {
  /** The connection each written command went out on last. */
  private readonly writtenOn = new WeakMap<Command, Connection>();

  override sendCommand(command: Command, stream?: Parameters<Redis['sendCommand']>[1]): unknown {
    const result = super.sendCommand(command, stream);
    // Written, rather than held in the offline queue until a connection is ready?
    if (this.commandQueue.peekBack()?.command === command) {
      const first = !this.writtenOn.has(command);
      this.writtenOn.set(command, this.stream);
      // Watched once: a command re-sent after a reconnection keeps its watcher (and its timer).
      if (first) command.promise.catch((error: unknown) => this.onCommandFailed(command, error));
    }
    return result;
  }

  /** Runs right after the timeout rejected the command (a microtask): no reply can be read in between. */
  private onCommandFailed(command: Command, error: unknown): void {
    if (!(error instanceof Error) || error.message !== COMMAND_TIMED_OUT) return;
    const connection = this.writtenOn.get(command);
    // Only the connection the command was written on; a newer one owes it nothing.
    if (!connection || connection !== this.stream || connection.destroyed) return;
    connection.destroy(new Error(`redis command ${command.name} timed out; connection dropped so that no reply is matched to the wrong command`));
  }

  override duplicate(override?: Partial<RedisOptions>): DeadlineRedis {
    return new DeadlineRedis({ ...this.options, ...override });
  }
}

export function createRedis(redisUrl: string, log: Logger, timeouts: RedisTimeouts = DEFAULT_REDIS_TIMEOUTS): Redis {
  const redis = new DeadlineRedis(redisUrl, {
    // Commands wait while Redis is away and fail after a bounded time instead of hanging forever.
    maxRetriesPerRequest: 3,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 5000),
    lazyConnect: false,
    // Every command, the handshake included, fails after this long without an answer.
    commandTimeout: timeouts.commandTimeoutMs,
    connectTimeout: 5000,
    // TCP keepalive probes after 10 s idle, so that the OS eventually notices a peer that vanished.
    keepAlive: 10_000,
  });
  let lastError = '';
  redis.on('error', (error: Error) => {
    if (error.message !== lastError) log.warn({ err: error }, 'redis connection error');
    lastError = error.message;
  });
  redis.on('ready', () => (lastError = ''));
  return redis;
}
