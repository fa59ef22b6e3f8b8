import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON logs, one object a line, each naming its service. The launcher makes them readable. */
export function createLogger(service: string, level: string): Logger {
  return pino({
    level,
    base: { service },
    redact: { paths: ['*.password', '*.apiKey', 'req.headers["x-api-key"]', 'req.headers.authorization'], censor: '[redacted]' },
  });
}
