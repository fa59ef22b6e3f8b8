// `npm run reconcile [-- --json]`: stg vs dds vs cdm, a short report, exit 1 on any difference
// (see services/cdm/src/reconcile.ts). Reads DATABASE_URL.
import { exitWith } from './exit-with.ts';
import { createPool } from '@orders-dwh/shared/clients';
import { loadConfig } from '@orders-dwh/shared/config';
import { configuredLogger } from '@orders-dwh/shared/logging';
import { differenceCount, formatReconcileReport, reconcile } from '../services/cdm/src/reconcile.ts';

const USAGE = 'usage: npm run reconcile [-- --json]';

async function main(argv: string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== '--json');
  if (unknown.length > 0) {
    process.stderr.write(`reconcile: unknown argument ${unknown[0]}\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  // Statements over whole tables: the server's own JIT setting applies (see PoolSettings).
  const pool = createPool(config.databaseUrl, configuredLogger('reconcile', config), 1, config.postgres, { jit: true });
  try {
    const report = await reconcile(pool);
    process.stdout.write(`${argv.includes('--json') ? JSON.stringify(report) : formatReconcileReport(report)}\n`);
    return differenceCount(report) === 0 ? 0 : 1;
  } finally {
    await pool.end();
  }
}

exitWith('reconcile', main(process.argv.slice(2)));
