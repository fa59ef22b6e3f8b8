// `npm run rebuild -- --layer cdm`: recomputes the datamarts from dds while the pipeline may run,
// with no window of empty tables and no double counting (see services/cdm/src/rebuild.ts).
import { parseArgs } from 'node:util';
import { exitWith } from './exit-with.ts';
import { createPool } from '@orders-dwh/shared/clients';
import { loadConfig } from '@orders-dwh/shared/config';
import { configuredLogger } from '@orders-dwh/shared/logging';
import { rebuildCdm } from '../services/cdm/src/rebuild.ts';

const USAGE = 'usage: npm run rebuild -- --layer cdm';

async function main(argv: string[]): Promise<number> {
  let layer: string | undefined;
  try {
    layer = parseArgs({ args: argv, options: { layer: { type: 'string' } } }).values.layer;
  } catch (error) {
    process.stderr.write(`rebuild: ${(error as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (layer !== 'cdm') {
    process.stderr.write(`rebuild: --layer cdm is the layer that can be rebuilt (from dds), got ${layer === undefined ? 'none' : `"${layer}"`}\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig();
  // One long transaction by design: the services' statement deadlines do not fit it.
  const timeouts = { ...config.postgres, queryTimeoutMs: 3_600_000, statementTimeoutMs: 3_000_000 };
  // Statements over whole tables: the server's own JIT setting applies (see PoolSettings).
  const pool = createPool(config.databaseUrl, configuredLogger('rebuild', config), 1, timeouts, { jit: true });
  try {
    const result = await rebuildCdm(pool);
    process.stdout.write(
      `rebuilt cdm from dds in ${Math.round(result.ms)} ms: ${result.countedOrders} counted orders, ${result.productCounters} user-product counters, ${result.categoryCounters} user-category counters, ${result.productTotals} product counters, ${result.productPairs} product pairs\n`,
    );
    return 0;
  } finally {
    await pool.end();
  }
}

exitWith('rebuild', main(process.argv.slice(2)));
