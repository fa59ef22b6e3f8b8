// The command line of `npm run redrive -- [--service stg] [--id N ...] [--dry-run]`, parsed
// without I/O so that every mistake gets a clear message and a test.

export interface RedriveArgs {
  /** Only dead letters of this service (stg, dds, cdm); all services when absent. */
  service: string | null;
  /** Only these dead-letter ids; all pending ones when empty. */
  ids: number[];
  dryRun: boolean;
  help: boolean;
}

export const REDRIVE_USAGE = `Usage: npm run redrive -- [--service stg|dds|cdm] [--id N ...] [--dry-run]

Sends the dead-lettered messages that were not re-driven yet back to the topic they came from
(same key, same raw value) and marks them re-driven. Fix the cause first (e.g. add the missing
user to Redis); a message that fails again becomes a new dead letter.

  --service NAME   only dead letters of this service
  --id N           only this dead letter (repeat, or N,M,...)
  --dry-run        list what would be re-driven; send and change nothing
  --help           this text`;

export class RedriveArgsError extends Error {
  override name = 'RedriveArgsError';
}

const SERVICES = ['stg', 'dds', 'cdm'];

export function parseRedriveArgs(argv: readonly string[]): RedriveArgs {
  const args: RedriveArgs = { service: null, ids: [], dryRun: false, help: false };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i]!.split(/=(.*)/s, 2) as [string, string | undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === '') throw new RedriveArgsError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--service': {
        const service = value();
        if (!SERVICES.includes(service)) throw new RedriveArgsError(`--service must be one of ${SERVICES.join(', ')}, got "${service}"`);
        args.service = service;
        break;
      }
      case '--id':
        for (const part of value().split(',')) {
          const id = Number(part.trim());
          if (!Number.isSafeInteger(id) || id < 1) throw new RedriveArgsError(`--id takes positive integers, got "${part}"`);
          args.ids.push(id);
        }
        break;
      case '--dry-run':
        args.dryRun = true;
        break;
      case '--help':
      case '-h':
        args.help = true;
        break;
      default:
        throw new RedriveArgsError(`unknown argument "${argv[i]}"`);
    }
  }
  return args;
}
