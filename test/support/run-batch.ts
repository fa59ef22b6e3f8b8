// Runs a stage's write the way the stage runner does: one transaction per batch.
import type pg from 'pg';
import { inTransaction } from '@orders-dwh/shared/clients';
import { collectingContext, type OutgoingMessage, type StageDefinition } from '@orders-dwh/shared/stage';

/** The batch's forwarded messages; an item the stage rejects fails the call (pass `rejected` to collect them instead). */
export async function runBatch<In, Ready>(
  pool: pg.Pool,
  stage: StageDefinition<In, Ready>,
  items: Ready[],
  loadDt = new Date(),
  rejected?: Array<{ item: Ready; reason: string }>,
): Promise<OutgoingMessage[]> {
  const ctx = collectingContext<Ready>(loadDt);
  const outgoing = await inTransaction(pool, (db) => stage.write(db, items, ctx));
  if (rejected) rejected.push(...ctx.rejected);
  else if (ctx.rejected.length > 0) throw new Error(`${stage.name} rejected ${ctx.rejected.length} item(s): ${ctx.rejected.map((r) => r.reason).join('; ')}`);
  return outgoing;
}
