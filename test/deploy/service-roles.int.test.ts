// The service roles of the service-roles migration, connecting as each role the way the compose
// stack does: each can do its service's real writes, and nothing outside its layer.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolePasswordsFromEnv, serviceDatabaseUrl, SERVICE_ROLES, type ServiceWithRole } from '../../scripts/migrate/service-roles.ts';
import { inTransaction } from '@orders-dwh/shared/clients';
import type { ClosedOrder } from '@orders-dwh/shared/contracts';
import { insertDeadLetters, type DeadLetter, collectingContext } from '@orders-dwh/shared/stage';
import { cdmStage } from '../../services/cdm/src/cdm-stage.ts';
import { ddsStage } from '../../services/dds/src/dds-stage.ts';
import { enrichedOrder, menu } from '../../services/dds/test/enriched-order-fixture.ts';
import { allocateOrderIds } from '../../services/source/src/order-ids.ts';
import { upsertOrderEvents } from '../../services/stg/src/order-events-store.ts';
import { orderEvent } from '../../services/stg/test/order-fixtures.ts';
import { createTestDatabase, type TestDatabase } from '../support/database.ts';

const INSUFFICIENT_PRIVILEGE = '42501';
const loadDt = new Date('2025-11-21T12:00:00.000Z');

let db: TestDatabase;
const pools = {} as Record<ServiceWithRole, pg.Pool>;

beforeAll(async () => {
  db = await createTestDatabase();
  for (const service of Object.keys(SERVICE_ROLES) as ServiceWithRole[]) {
    pools[service] = new pg.Pool({ connectionString: serviceDatabaseUrl(db.url, service), max: 2 });
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(Object.values(pools).map((pool) => pool.end()));
  await db?.drop();
});

/** Runs sql as a service's role; resolves with the Postgres error code, or 'ok'. */
async function attempt(service: ServiceWithRole, sql: string): Promise<string> {
  try {
    await inTransaction(pools[service], async (client) => {
      await client.query(sql);
      await client.query('ROLLBACK'); // what succeeded is undone: checks must not change the data
      await client.query('BEGIN');
    });
    return 'ok';
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
}

const deadLetter = (service: string, offset: string): DeadLetter => ({
  service,
  topic: 'some_topic',
  partition: 0,
  offset,
  key: 'k',
  rawValue: '{',
  encoding: 'utf8',
  reason: 'not JSON',
  failedAt: loadDt.toISOString(),
});

describe('service roles', () => {
  it('exist as login roles and connect as themselves', async () => {
    for (const [service, role] of Object.entries(SERVICE_ROLES) as Array<[ServiceWithRole, string]>) {
      const { rows } = await pools[service].query<{ current_user: string; rolcanlogin: boolean; rolsuper: boolean; rolcreaterole: boolean }>(
        'SELECT current_user, rolcanlogin, rolsuper, rolcreaterole FROM pg_roles WHERE rolname = current_user',
      );
      expect(rows).toEqual([{ current_user: role, rolcanlogin: true, rolsuper: false, rolcreaterole: false }]);
    }
  });

  it("can do each service's real writes: ids, stg events, the vault, the counters, dead letters", async () => {
    const ids = await allocateOrderIds(pools.source, 3);
    expect(ids).toHaveLength(3);

    await inTransaction(pools.stg, (client) => upsertOrderEvents(client, [orderEvent(ids[0]!), orderEvent(ids[1]!, 'OPEN')], loadDt));
    const closed = enrichedOrder({ id: ids[0]!, status: 'CLOSED', products: [menu.soup!, menu.tea!] });
    const forwarded = await inTransaction(pools.dds, (client) => ddsStage.write(client, [closed], collectingContext(loadDt)));
    expect(forwarded).toHaveLength(1);
    await inTransaction(pools.cdm, (client) =>
      cdmStage.write(
        client,
        forwarded.map((m) => m.value as ClosedOrder),
        collectingContext(loadDt),
      ),
    );
    for (const service of ['stg', 'dds', 'cdm'] as const) {
      await inTransaction(pools[service], (client) => insertDeadLetters(client, [deadLetter(service, '1')]));
    }

    const owner = db.pool;
    expect((await owner.query('SELECT count(*)::int AS n FROM stg.order_events')).rows[0].n).toBe(2);
    expect((await owner.query('SELECT count(*)::int AS n FROM dds.h_order')).rows[0].n).toBe(1);
    expect((await owner.query('SELECT sum(order_cnt)::int AS n FROM cdm.user_product_counters')).rows[0].n).toBe(2);
    expect((await owner.query('SELECT service FROM public.dead_letters ORDER BY service')).rows.map((r) => r.service)).toEqual(['cdm', 'dds', 'stg']);
  });

  it('cdm reads dds but cannot write it, nor touch stg', async () => {
    expect(await attempt('cdm', 'SELECT count(*) FROM dds.h_user')).toBe('ok');
    expect(await attempt('cdm', 'UPDATE cdm.user_product_counters SET order_cnt = order_cnt')).toBe('ok');
    expect(await attempt('cdm', `INSERT INTO dds.h_user VALUES (gen_random_uuid(), 'u', now(), 'test')`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await attempt('cdm', 'DELETE FROM dds.h_order')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await attempt('cdm', 'SELECT count(*) FROM stg.order_events')).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it('dds cannot read stg, cannot rewrite vault history, cannot touch cdm', async () => {
    expect(await attempt('dds', 'SELECT count(*) FROM dds.s_order_status')).toBe('ok');
    expect(await attempt('dds', 'SELECT count(*) FROM stg.order_events')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await attempt('dds', `UPDATE dds.s_order_status SET status = 'CLOSED'`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await attempt('dds', 'DELETE FROM dds.h_order')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await attempt('dds', 'DELETE FROM dds.l_order_user')).toBe(INSUFFICIENT_PRIVILEGE);
    // A satellite version that repeats the one before it is dropped by dds itself (vault-loader.ts).
    expect(await attempt('dds', 'DELETE FROM dds.s_user_names WHERE false')).toBe('ok');
    expect(await attempt('dds', 'SELECT count(*) FROM cdm.user_product_counters')).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it('stg writes only stg; source only draws order ids', async () => {
    expect(await attempt('stg', 'UPDATE stg.order_events SET load_dt = now()')).toBe('ok');
    expect(await attempt('stg', `INSERT INTO dds.h_user VALUES (gen_random_uuid(), 'u', now(), 'test')`)).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await attempt('stg', 'SELECT count(*) FROM dds.h_user')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await attempt('stg', 'TRUNCATE stg.order_events')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await attempt('source', "SELECT nextval('stg.order_id_seq')")).toBe('ok');
    expect(await attempt('source', 'SELECT count(*) FROM stg.order_events')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await attempt('source', `SELECT setval('stg.order_id_seq', 1)`)).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it("no consumer can read the dead letters' contents; no service can change the schema or create tables", async () => {
    for (const service of Object.keys(SERVICE_ROLES) as ServiceWithRole[]) {
      if (service !== 'source') {
        expect(await attempt(service, 'SELECT raw_value FROM public.dead_letters'), service).toBe(INSUFFICIENT_PRIVILEGE);
        expect(await attempt(service, 'UPDATE public.dead_letters SET redriven_at = now()'), service).toBe(INSUFFICIENT_PRIVILEGE);
      }
      expect(await attempt(service, 'CREATE TABLE public.sneaky (x int)'), service).toBe(INSUFFICIENT_PRIVILEGE);
      expect(await attempt(service, 'DROP TABLE cdm.counted_orders'), service).toBe(INSUFFICIENT_PRIVILEGE);
    }
    expect(await attempt('source', `INSERT INTO public.dead_letters (service, topic, partition, "offset", reason) VALUES ('x', 't', 0, 0, 'r')`)).toBe(
      INSUFFICIENT_PRIVILEGE,
    );
  });

  it("the source's dashboard reads the top products and the dead letters and re-drives them, nothing more", async () => {
    expect(await attempt('source', 'SELECT product_name, order_cnt FROM cdm.product_counters LIMIT 1')).toBe('ok');
    expect(await attempt('source', 'SELECT id, raw_value, reason FROM public.dead_letters FOR UPDATE SKIP LOCKED')).toBe('ok');
    expect(await attempt('source', 'UPDATE public.dead_letters SET redriven_at = now()')).toBe('ok');
    expect(await attempt('source', "UPDATE public.dead_letters SET reason = 'x'")).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await attempt('source', 'DELETE FROM public.dead_letters')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await attempt('source', 'SELECT * FROM cdm.user_product_counters')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await attempt('source', 'UPDATE cdm.product_counters SET order_cnt = 0')).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await attempt('source', 'SELECT * FROM dds.h_order')).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it('tables added by later migrations get the same grants (default privileges)', async () => {
    await db.pool.query('CREATE TABLE dds.h_later (k uuid PRIMARY KEY); CREATE TABLE cdm.later (k int)');
    expect(await attempt('dds', 'INSERT INTO dds.h_later VALUES (gen_random_uuid())')).toBe('ok');
    expect(await attempt('cdm', 'SELECT * FROM dds.h_later')).toBe('ok');
    expect(await attempt('cdm', 'INSERT INTO cdm.later VALUES (1)')).toBe('ok');
    expect(await attempt('dds', 'SELECT * FROM cdm.later')).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it('migrating another database on the same server reuses the existing roles', async () => {
    const [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
    try {
      const pool = new pg.Pool({ connectionString: serviceDatabaseUrl(a.url, 'dds'), max: 1 });
      try {
        await expect(pool.query('SELECT count(*) FROM stg.order_events')).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE });
        expect((await pool.query('SELECT count(*)::int AS n FROM dds.h_order')).rows[0].n).toBe(0);
      } finally {
        await pool.end();
      }
    } finally {
      await Promise.all([a.drop(), b.drop()]);
    }
  }, 60_000);
});

describe('set-role-passwords', () => {
  it('sets the password of each role whose variable is given, stored hashed', async () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
    // Roles belong to the server: put back what was there.
    const before = await db.pool.query<{ rolname: string; rolpassword: string | null }>(
      `SELECT rolname, rolpassword FROM pg_authid WHERE rolname IN ('dwh_cdm', 'dwh_dds') ORDER BY rolname`,
    );
    try {
      const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/migrate/set-role-passwords.ts'], {
        cwd: root,
        env: { ...process.env, DATABASE_URL: db.url, DWH_CDM_PASSWORD: 'correct-horse', DWH_DDS_PASSWORD: '', DWH_STG_PASSWORD: '', DWH_SOURCE_PASSWORD: '' },
      });
      expect(stdout).toBe('set the password of dwh_cdm\n');
      const after = await db.pool.query<{ rolname: string; rolpassword: string | null }>(
        `SELECT rolname, rolpassword FROM pg_authid WHERE rolname IN ('dwh_cdm', 'dwh_dds') ORDER BY rolname`,
      );
      expect(after.rows[0]!.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);
      expect(after.rows[0]!.rolpassword).not.toContain('correct-horse');
      expect(after.rows[1]).toEqual(before.rows[1]); // dds: no variable, unchanged
    } finally {
      for (const { rolname, rolpassword } of before.rows) {
        const client = await db.pool.connect();
        try {
          await client.query(`ALTER ROLE ${client.escapeIdentifier(rolname)} PASSWORD ${rolpassword === null ? 'NULL' : client.escapeLiteral(rolpassword)}`);
        } finally {
          client.release();
        }
      }
    }
  }, 30_000);

  it('reads the passwords from DWH_<ROLE>_PASSWORD, skipping empty ones', () => {
    expect(rolePasswordsFromEnv({ DWH_STG_PASSWORD: 'a', DWH_CDM_PASSWORD: '', DWH_SOURCE_PASSWORD: 'b', OTHER: 'c' })).toEqual([
      { role: 'dwh_source', password: 'b' },
      { role: 'dwh_stg', password: 'a' },
    ]);
  });
});

describe('serviceDatabaseUrl', () => {
  it('keeps server and database, swaps the user and sets an encoded password', () => {
    expect(serviceDatabaseUrl('postgres://owner:secret@db.internal:6432/dwh?sslmode=require', 'cdm', 'p@ss/word')).toBe(
      'postgres://dwh_cdm:p%40ss%2Fword@db.internal:6432/dwh?sslmode=require',
    );
    expect(serviceDatabaseUrl('postgres://postgres@127.0.0.1:5432/dwh', 'stg')).toBe('postgres://dwh_stg@127.0.0.1:5432/dwh');
  });
});
