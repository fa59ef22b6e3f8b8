import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDatabase } from '../ensure-database.ts';
import { runMigrations } from '../run.ts';

const server = 'postgres://postgres@127.0.0.1:5432';
const created: string[] = [];

function freshName(): string {
  const name = `dwh_test_${randomBytes(6).toString('hex')}`;
  created.push(name);
  return name;
}

async function query<T extends pg.QueryResultRow>(database: string, text: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: `${server}/${database}` });
  await client.connect();
  try {
    return (await client.query<T>(text)).rows;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  for (const name of created) await query('postgres', `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
});

const migrationFiles = readdirSync(new URL('..', import.meta.url)).filter((f) => /^\d{17}_.*\.ts$/.test(f));

describe('ensureDatabase', () => {
  it('creates a missing database once', async () => {
    const name = freshName();
    expect(await ensureDatabase(`${server}/${name}`)).toBe(true);
    expect(await ensureDatabase(`${server}/${name}`)).toBe(false);
    expect(await query('postgres', `SELECT datname FROM pg_database WHERE datname = '${name}'`)).toHaveLength(1);
  });
});

describe('runMigrations (TypeScript migration files loaded from inside vitest)', () => {
  it('applies every migration once, and nothing the second time', async () => {
    const name = freshName();
    await ensureDatabase(`${server}/${name}`);
    const applied = await runMigrations(`${server}/${name}`);
    expect(applied).toEqual(migrationFiles.map((f) => f.replace(/\.ts$/, '')).sort());
    expect(await runMigrations(`${server}/${name}`)).toEqual([]);

    const tables = await query<{ name: string }>(
      name,
      `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
       WHERE table_schema IN ('stg', 'dds', 'cdm', 'public') ORDER BY 1`,
    );
    expect(tables.map((t) => t.name)).toEqual([
      'cdm.counted_orders', 'cdm.user_category_counters', 'cdm.user_product_counters',
      'dds.h_category', 'dds.h_order', 'dds.h_product', 'dds.h_restaurant', 'dds.h_user',
      'dds.l_order_product', 'dds.l_order_user', 'dds.l_product_category', 'dds.l_product_restaurant',
      'dds.s_order_cost', 'dds.s_order_status', 'dds.s_product_names', 'dds.s_restaurant_names', 'dds.s_user_names',
      'public.dead_letters', 'public.pgmigrations', 'stg.order_events',
    ]);
    const [{ id }] = await query<{ id: string }>(name, "SELECT nextval('stg.order_id_seq') AS id");
    expect(id).toBe('1');
  });

  it('lets concurrent callers through one at a time', async () => {
    const name = freshName();
    await ensureDatabase(`${server}/${name}`);
    const results = await Promise.all([1, 2, 3].map(() => runMigrations(`${server}/${name}`)));
    expect(results.map((r) => r.length).sort()).toEqual([0, 0, migrationFiles.length]);
  });
});
