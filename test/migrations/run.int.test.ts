import { randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDatabase } from '../../scripts/migrate/ensure-database.ts';
import { runMigrations } from '../../scripts/migrate/run.ts';

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

const migrationFiles = readdirSync(new URL('../../migrations/', import.meta.url)).filter((f) => /^\d{17}_.*\.ts$/.test(f));
const migrationNames = migrationFiles.map((f) => f.replace(/\.ts$/, '')).sort();

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
    expect(applied).toEqual(migrationNames);
    expect(await runMigrations(`${server}/${name}`)).toEqual([]);

    const tables = await query<{ name: string }>(
      name,
      `SELECT table_schema || '.' || table_name AS name FROM information_schema.tables
       WHERE table_schema IN ('stg', 'dds', 'cdm', 'public') ORDER BY 1`,
    );
    expect(tables.map((t) => t.name)).toEqual([
      'cdm.counted_orders',
      'cdm.product_counters',
      'cdm.product_pair_counters',
      'cdm.user_category_counters',
      'cdm.user_product_counters',
      'dds.h_category',
      'dds.h_order',
      'dds.h_product',
      'dds.h_restaurant',
      'dds.h_user',
      'dds.l_order_product',
      'dds.l_order_restaurant',
      'dds.l_order_user',
      'dds.l_product_category',
      'dds.l_product_restaurant',
      'dds.s_order_cost',
      'dds.s_order_product_lines',
      'dds.s_order_status',
      'dds.s_product_names',
      'dds.s_product_prices',
      'dds.s_restaurant_names',
      'dds.s_user_names',
      'public.dead_letters',
      'public.pgmigrations',
      'stg.order_events',
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

describe('the satellite-changes-only migration', () => {
  it('removes every version equal to the one before it, keeping the earliest of each run', async () => {
    const name = freshName();
    await ensureDatabase(`${server}/${name}`);
    await runMigrations(`${server}/${name}`);
    // Down past it (the migrations after it come down and go up again too).
    const since = migrationNames.filter((m) => m >= '20251121001000000_satellite-changes-only').reverse();
    expect(await runMigrations(`${server}/${name}`, () => {}, { direction: 'down', count: since.length })).toEqual(since);
    // Two users: a (A, A, B, B, A) and b (C, C); three orders' status histories with repeats.
    const nameRows = [
      ['a', '01', 'A'],
      ['a', '02', 'A'],
      ['a', '03', 'B'],
      ['a', '04', 'B'],
      ['a', '05', 'A'],
      ['b', '01', 'C'],
      ['b', '02', 'C'],
    ];
    await query(
      name,
      `INSERT INTO dds.s_user_names (h_user_pk, username, userlogin, hk_user_names_hashdiff, load_dt, load_src)
      VALUES ${nameRows.map(([u, at, v]) => `(md5('${u}')::uuid, '${v}', 'l', md5('${v}')::uuid, '2025-01-01 00:${at}:00+00', 't')`).join(', ')}`,
    );
    await query(
      name,
      `INSERT INTO dds.s_order_status (h_order_pk, status, hk_order_status_hashdiff, load_dt, load_src)
      SELECT md5(o::text)::uuid, s, md5(s)::uuid, '2025-01-01'::timestamptz + (o * 10 + n) * interval '1 minute', 't'
        FROM generate_series(1, 3) o, unnest(ARRAY['OPEN', 'OPEN', 'CLOSED', 'CLOSED', 'CLOSED']) WITH ORDINALITY AS t(s, n)`,
    );

    expect(await runMigrations(`${server}/${name}`)).toEqual([...since].reverse());
    const users = await query<{ u: string; at: string; v: string }>(
      name,
      `SELECT CASE h_user_pk WHEN md5('a')::uuid THEN 'a' ELSE 'b' END AS u, to_char(load_dt AT TIME ZONE 'UTC', 'MI') AS at, username AS v
         FROM dds.s_user_names ORDER BY 1, 2`,
    );
    expect(users.map(({ u, at, v }) => [u, at, v])).toEqual([
      ['a', '01', 'A'],
      ['a', '03', 'B'],
      ['a', '05', 'A'],
      ['b', '01', 'C'],
    ]);
    const statuses = await query<{ n: number; first: string }>(
      name,
      `SELECT count(*)::int AS n, string_agg(status, ',' ORDER BY load_dt) AS first FROM dds.s_order_status GROUP BY h_order_pk`,
    );
    expect(statuses).toEqual(Array.from({ length: 3 }, () => ({ n: 2, first: 'OPEN,CLOSED' })));
  });
});

describe('the one-category-per-product migration', () => {
  it('refuses, naming the fix, a vault where a product has two categories; applies once it has one', async () => {
    const name = freshName();
    await ensureDatabase(`${server}/${name}`);
    await runMigrations(`${server}/${name}`);
    const since = migrationNames.filter((m) => m >= '20251203000100000_one-category-per-product').reverse();
    expect(await runMigrations(`${server}/${name}`, () => {}, { direction: 'down', count: since.length })).toEqual(since);
    await query(
      name,
      `INSERT INTO dds.l_product_category (hk_product_category_pk, h_product_pk, h_category_pk, load_dt, load_src)
       VALUES (md5('pc1')::uuid, md5('p')::uuid, md5('c1')::uuid, now(), 't'), (md5('pc2')::uuid, md5('p')::uuid, md5('c2')::uuid, now(), 't')`,
    );
    await expect(runMigrations(`${server}/${name}`, () => {})).rejects.toThrow('dds.l_product_category links 1 product(s) to more than one category');

    await query(name, `DELETE FROM dds.l_product_category WHERE hk_product_category_pk = md5('pc2')::uuid`);
    expect(await runMigrations(`${server}/${name}`, () => {})).toEqual([...since].reverse());
    await expect(
      query(name, `INSERT INTO dds.l_product_category VALUES (md5('pc3')::uuid, md5('p')::uuid, md5('c3')::uuid, now(), 't')`),
    ).rejects.toMatchObject({ code: '23505' });
  });
});
