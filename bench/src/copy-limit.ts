// The limit: how long Postgres alone takes to bulk-load (COPY) the rows the run wrote, into empty
// tables with the same indexes. Real COPY through psql's \copy (pg-copy-streams is not a dependency):
// each table is exported to a file first (not timed), then all files are loaded in one psql session
// with \timing, and the COPY times are summed.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type pg from 'pg';

const run = promisify(execFile);
export const COPY_SCHEMA = 'bench_copy';

export interface TableCopy {
  table: string;
  rows: number;
  ms: number;
}

export interface CopyLimit {
  seconds: number;
  rows: number;
  tables: TableCopy[];
}

/** The "Time: 12.345 ms" lines psql prints with \timing on, in order. */
export function parsePsqlTimings(output: string): number[] {
  return [...output.matchAll(/^Time: ([\d.]+) ms/gm)].map((match) => Number(match[1]));
}

/** psql runs one backslash command per -c; a script file lets one session run them all. */
async function psqlFile(databaseUrl: string, file: string): Promise<string> {
  const { stdout } = await run('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-d', databaseUrl, '-f', file], { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

export async function measureCopyLimit(db: pg.Pool, databaseUrl: string, schemas: readonly string[] = ['stg', 'dds', 'cdm']): Promise<CopyLimit> {
  const { rows: tables } = await db.query<{ schema: string; name: string }>(
    `SELECT table_schema AS schema, table_name AS name FROM information_schema.tables
      WHERE table_schema = ANY($1) AND table_type = 'BASE TABLE' ORDER BY 1, 2`,
    [schemas],
  );
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-copy-'));
  try {
    await db.query(`DROP SCHEMA IF EXISTS ${COPY_SCHEMA} CASCADE; CREATE SCHEMA ${COPY_SCHEMA}`);
    const plan = tables.map(({ schema, name }) => ({
      source: `${schema}.${name}`,
      target: `${COPY_SCHEMA}.${schema}__${name}`,
      file: path.join(dir, `${schema}.${name}.copy`),
    }));
    for (const { source, target } of plan) await db.query(`CREATE TABLE ${target} (LIKE ${source} INCLUDING ALL)`);

    const exportScript = path.join(dir, 'export.sql');
    writeFileSync(exportScript, `${plan.map((p) => `\\copy ${p.source} TO '${p.file}'`).join('\n')}\n`);
    await psqlFile(databaseUrl, exportScript);

    const loadScript = path.join(dir, 'load.sql');
    writeFileSync(loadScript, `${['\\timing on', ...plan.map((p) => `\\copy ${p.target} FROM '${p.file}'`)].join('\n')}\n`);
    const timings = parsePsqlTimings(await psqlFile(databaseUrl, loadScript));
    if (timings.length !== plan.length) throw new Error(`expected ${plan.length} COPY timings from psql, got ${timings.length}`);

    const counts = await db.query<{ target: string; n: string }>(
      `${plan.map((p, i) => `SELECT ${i} AS i, '${p.target}' AS target, count(*) AS n FROM ${p.target}`).join(' UNION ALL ')} ORDER BY i`,
    );
    const result = plan.map((p, i) => ({ table: p.source, rows: Number(counts.rows[i]!.n), ms: timings[i]! }));
    const ms = result.reduce((sum, t) => sum + t.ms, 0);
    return { seconds: ms / 1000, rows: result.reduce((sum, t) => sum + t.rows, 0), tables: result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await db.query(`DROP SCHEMA IF EXISTS ${COPY_SCHEMA} CASCADE`);
  }
}
