// The stage runner's poison isolation as a mechanism, with a real broker and Postgres: a probe stage
// whose write fails in Postgres (or in its own JavaScript) for some values that no contract knows
// about. Each such message becomes one dead letter with the error as its reason; every other message
// of its batch, its partition and the other partitions is written once and forwarded; a transient
// error holds the batch and is retried instead.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../src/config.ts';
import type { Contract } from '../../src/contracts/validate.ts';
import type { StageMain } from '../../src/service/run-stage-main.ts';
import type { DeadLetterRecord } from '../../src/stage/dead-letters.ts';
import type { StageDefinition } from '../../src/stage/stage-definition.ts';
import {
  committedOffsets,
  deadLetterRows,
  produce,
  readTopic,
  startStage,
  startTestInfra,
  waitForStage,
  type ProducedMessage,
  type RunningStage,
  type TestInfra,
} from '../../../../test/support/service-harness.ts';

interface Probe {
  id: number;
  value: string;
}

const probeContract: Contract<Probe> = (value) => {
  const v = value as Probe;
  return typeof v === 'object' && v !== null && Number.isInteger(v.id) && typeof v.value === 'string'
    ? { ok: true, value: v }
    : { ok: false, reason: 'not a probe' };
};

/** Values the probe's write cannot take, and the reason each dead letter must give. */
const POISON: Record<string, RegExp> = {
  '70000': /^postgres: postgres 22003: value "70000" is out of range for type smallint$/,
  'not a number': /^postgres: postgres 22P02: invalid input syntax for type smallint: "not a number"$/,
  'nul \u0000 inside': /^postgres: postgres 22P05: unsupported Unicode escape sequence/,
  'invalid date': /^postgres: RangeError: Invalid time value$/,
  duplicate: /^postgres: postgres 23505: duplicate key value violates unique constraint "probe_tag_key"$/,
};

let flakyFailures = 0;

/** Writes each probe's value as a smallint; fails like a lost connection the first time it sees "flaky". */
const probeStage: StageDefinition<Probe> = {
  name: 'dds',
  contract: probeContract,
  async write(db, items) {
    if (items.some((p) => p.value === 'flaky') && flakyFailures++ === 0) throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    for (const p of items) if (p.value === 'invalid date') new Date(Number.NaN).toISOString();
    await db.query(
      `INSERT INTO probe (id, n, tag) SELECT (e->>'id')::int, CASE WHEN e->>'value' IN ('flaky', 'duplicate') THEN 0 ELSE (e->>'value')::smallint END,
              CASE WHEN e->>'value' = 'duplicate' THEN 'duplicate' END
         FROM jsonb_array_elements($1::jsonb) e
       ON CONFLICT (id) DO NOTHING`,
      [JSON.stringify(items)],
    );
    return items.map((p) => ({ key: String(p.id), value: { id: p.id } }));
  },
};

const probeMain: StageMain<Probe, Probe> = {
  name: 'dds',
  usesRedis: false,
  port: (config) => config.ports.dds,
  topics: (config) => ({ input: config.topics.dds, output: config.topics.cdm }),
  createStage: () => probeStage,
};

/** Partition 0: 300 probes with four poisons spread out; 1: 100 with the NUL one; 2: all good plus a flaky one. */
function probes(): Array<ProducedMessage & { probe: Probe }> {
  const list: Array<ProducedMessage & { probe: Probe }> = [];
  const add = (partition: number, id: number, value: string) =>
    list.push({ partition, key: String(id), value: JSON.stringify({ id, value }), probe: { id, value } });
  for (let i = 0; i < 300; i++) add(0, 1000 + i, { 17: '70000', 150: 'not a number', 151: 'invalid date', 299: 'duplicate' }[i] ?? String(i));
  for (let i = 0; i < 100; i++) add(1, 2000 + i, i === 64 ? 'nul \u0000 inside' : String(i));
  for (let i = 0; i < 100; i++) add(2, 3000 + i, i === 50 ? 'flaky' : String(i));
  // A second "duplicate" tag is the one that violates the unique constraint; the first is fine.
  list.splice(1, 0, { partition: 0, key: '999', value: JSON.stringify({ id: 999, value: 'duplicate' }), probe: { id: 999, value: 'duplicate' } });
  return list;
}

let infra: TestInfra;
let config: Config;
let stage: RunningStage | undefined;
const sent = probes();
const isPoison = (p: Probe) => p.value in POISON && p.id !== 999;

beforeAll(async () => {
  infra = await startTestInfra();
  await infra.db.pool.query('CREATE TABLE probe (id int PRIMARY KEY, n smallint NOT NULL, tag text UNIQUE)');
  config = infra.config({ CONSUMER_MAX_BATCH: '1000' });
  stage = await startStage(probeMain, config);
  await produce(infra.producer, config.topics.dds, sent);
  await waitForStage(infra, stage, 30_000);
}, 60_000);

afterAll(async () => {
  await stage?.service.stop();
  await infra?.close();
}, 30_000);

describe('poison isolation', () => {
  it('writes every good message once, on every partition, past the poisoned ones', async () => {
    const { rows } = await infra.db.pool.query<{ id: number }>('SELECT id FROM probe ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual(
      sent
        .filter((m) => !isPoison(m.probe))
        .map((m) => m.probe.id)
        .sort((a, b) => a - b),
    );
  });

  it('dead-letters each poisoned message alone, with the error as its reason', async () => {
    const letters = await deadLetterRows(infra);
    expect(letters.map((l) => JSON.parse(l.raw_value!).id)).toEqual(sent.filter((m) => isPoison(m.probe)).map((m) => m.probe.id));
    for (const letter of letters) expect(letter.reason).toMatch(POISON[(JSON.parse(letter.raw_value!) as Probe).value]!);
    const onTopic = (await readTopic(infra.kafka, config.topics.deadLetters)).map((m) => JSON.parse(m.value!) as DeadLetterRecord);
    expect(onTopic.map((l) => l.reason).sort()).toEqual(letters.map((l) => l.reason).sort());
  });

  it('forwards exactly the good messages, each input partition in its order', async () => {
    const forwarded = await readTopic(infra.kafka, config.topics.cdm);
    const ids = forwarded.map((m) => (JSON.parse(m.value!) as { id: number }).id);
    expect([...ids].sort((a, b) => a - b)).toEqual(
      sent
        .filter((m) => !isPoison(m.probe))
        .map((m) => m.probe.id)
        .sort((a, b) => a - b),
    );
    // Ids grow with the input offset; the input partitions' outputs interleave in each output partition.
    for (const output of [0, 1, 2]) {
      for (const range of [
        [999, 1999],
        [2000, 2999],
        [3000, 3999],
      ] as const) {
        const keys = forwarded
          .filter((m) => m.partition === output)
          .map((m) => Number(m.key))
          .filter((id) => id >= range[0] && id <= range[1]);
        expect(keys).toEqual([...keys].sort((a, b) => a - b));
      }
    }
  });

  it('retried the transient failure instead of dead-lettering it, and commits every partition to its end', async () => {
    expect(flakyFailures).toBeGreaterThanOrEqual(2);
    expect((await deadLetterRows(infra)).some((l) => l.raw_value?.includes('flaky'))).toBe(false);
    const committed = await committedOffsets(infra.admin, stage!.groupId, config.topics.dds);
    for (const { partition, high } of await infra.admin.fetchTopicOffsets(config.topics.dds)) expect(committed.get(partition)).toBe(Number(high));
    const health = await stage!.service.app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
  });
});
