import { pino, type Logger } from 'pino';
import type { Config } from './config.ts';
import { logDestination, shouldPrettyPrint } from './logging/log-destination.ts';
import { REDACTED, SECRET_PATHS } from './logging/scrub-secrets.ts';

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
    },
    logDestination({ pretty, prefix: service, ...(options.write ? { write: options.write } : {}) }),
  );
}

/** A process's logger as its configuration asks: LOG_LEVEL, readable lines only at a terminal outside production. */
export function configuredLogger(service: string, config: Pick<Config, 'logLevel' | 'production'>): Logger {
  return createLogger(service, config.logLevel, { pretty: shouldPrettyPrint(config.production, process.stdout.isTTY === true) });
}
