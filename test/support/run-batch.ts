// Runs a stage's write the way the stage runner does: one transaction per batch.
import type pg from 'pg';
import { inTransaction } from '../../services/shared/src/clients/postgres.ts';
import type { OutgoingMessage, StageDefinition } from '../../services/shared/src/stage/stage-definition.ts';

export function runBatch<In, Ready>(pool: pg.Pool, stage: StageDefinition<In, Ready>, items: Ready[], loadDt = new Date()): Promise<OutgoingMessage[]> {
  return inTransaction(pool, (db) => stage.write(db, items, { loadDt }));
}
