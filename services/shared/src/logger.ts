import { pino, type Logger } from 'pino';
import type { Config } from './config.ts';
import { logDestination, shouldPrettyPrint } from './logging/log-destination.ts';
import { loggableFields } from './logging/loggable.ts';
import { redactQuery } from './logging/scrub-secrets.ts';

export type { Logger };

export interface LoggerOptions {
  /** Readable lines instead of JSON (default: JSON). */
  pretty?: boolean;
  /** Where lines go instead of stdout (tests). */
  write?: (text: string) => void;
}

/** Top-level fields left to pino's serializers: the request's (below) and Fastify's and pino's own. */
const SERIALIZED_FIELDS = new Set(['req', 'res', 'err']);

/**
 * JSON logs, one object a line, each naming its service, secrets removed (fields named like secrets
 * redacted at any depth, URL passwords scrubbed from every line). Logging never throws into its
 * caller: a line that cannot be written is replaced by one saying why. The launcher (`npm start`)
 * makes them readable.
 */
export function createLogger(service: string, level: string, options: LoggerOptions = {}): Logger {
  const pretty = options.pretty ?? false;
  return pino(
    {
      level,
      base: { service },
      formatters: { log: (fields) => loggableFields(fields, SERIALIZED_FIELDS) },
      hooks: {
        logMethod(args, write) {
          try {
            write.apply(this, args);
          } catch (error) {
            const message = args.find((arg): arg is string => typeof arg === 'string') ?? '';
            write.call(this, { unloggable: error instanceof Error ? error.message : String(error) }, message);
          }
        },
      },
      // Fastify logs each request with this serializer (a logger's own wins over Fastify's default).
      serializers: { req: requestForLog },
    },
    logDestination({ pretty, prefix: service, ...(options.write ? { write: options.write } : {}) }),
  );
}

interface LoggedRequest {
  method: string;
  url: string;
  host?: string;
  ip?: string;
  socket?: { remotePort?: number };
}

/** Fastify's request fields, with the query string redacted. */
function requestForLog(request: LoggedRequest) {
  return { method: request.method, url: redactQuery(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort };
}

/** A process's logger as its configuration asks: LOG_LEVEL, readable lines only at a terminal outside production. */
export function configuredLogger(service: string, config: Pick<Config, 'logLevel' | 'production'>): Logger {
  return createLogger(service, config.logLevel, { pretty: shouldPrettyPrint(config.production, process.stdout.isTTY === true) });
}
