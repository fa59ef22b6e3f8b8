// Runs a stage's write the way the stage runner does: one transaction per batch.
import type pg from 'pg';
import type { OutgoingMessage, StageDefinition } from '../../shared/src/stage/stage-definition.ts';

export async function runBatch<In>(pool: pg.Pool, stage: StageDefinition<In>, items: In[], loadDt = new Date()): Promise<OutgoingMessage[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const out = await stage.write(client, items, { loadDt });
    await client.query('COMMIT');
    return out;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  } finally {
    client.release();
  }
}
