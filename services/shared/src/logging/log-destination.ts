import { formatLogLine } from './log-format.ts';
import { scrubSecrets } from './scrub-secrets.ts';

/** Where pino writes: every line scrubbed of secrets, then as JSON or as a readable line. */
export interface LogDestination {
  write(line: string): void;
}

export interface LogDestinationOptions {
  /** A readable line (time, level, message, fields) instead of the JSON object. */
  pretty: boolean;
  /** Shown before each readable line: the service's name. */
  prefix: string;
  /** Defaults to stdout. */
  write?: (text: string) => void;
}

/**
 * JSON in production and whenever the output goes to a program (`npm start`, a container runtime,
 * a log shipper); readable lines for a person at a terminal during development.
 */
export function shouldPrettyPrint(production: boolean, stdoutIsTerminal: boolean): boolean {
  return !production && stdoutIsTerminal;
}

export function logDestination({ pretty, prefix, write = (text) => void process.stdout.write(text) }: LogDestinationOptions): LogDestination {
  return {
    write(line) {
      const safe = scrubSecrets(line);
      write(pretty ? `${formatLogLine(prefix, safe.trimEnd())}\n` : safe);
    },
  };
}
