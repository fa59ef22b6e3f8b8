import { pino, type Logger } from 'pino';
import type { Config } from './config.ts';
import { logDestination, shouldPrettyPrint } from './logging/log-destination.ts';
import { REDACTED, redactQuery, SECRET_PATHS } from './logging/scrub-secrets.ts';

export type { Logger };

export interface LoggerOptions {
  /** Readable lines instead of JSON (default: JSON). */
  pretty?: boolean;
  /** Where lines go instead of stdout (tests). */
  write?: (text: string) => void;
}

/**
 * JSON logs, one object a line, each naming its service, secrets removed (known fields redacted,
 * URL passwords scrubbed from every line). The launcher (`npm start`) makes them readable.
 */
export function createLogger(service: string, level: string, options: LoggerOptions = {}): Logger {
  const pretty = options.pretty ?? false;
  return pino(
    {
      level,
      base: { service },
      redact: { paths: SECRET_PATHS, censor: REDACTED },
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
