import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.ts';
import { loadConfig } from '../src/config.ts';
import { shouldPrettyPrint } from '../src/logging/log-destination.ts';
import { scrubSecrets } from '../src/logging/scrub-secrets.ts';

function capture(service: string, pretty = false) {
  const lines: string[] = [];
  const log = createLogger(service, 'info', { pretty, write: (text) => lines.push(text) });
  return { log, lines };
}

const SECRET = 'Sup3r-s3cret';

describe('logger', () => {
  it('writes one JSON object a line, each naming its service', () => {
    const { log, lines } = capture('dds');
    log.info({ batch: 3 }, 'batch written');
    log.child({ component: 'stage-runner' }).warn('slow');
    expect(lines).toHaveLength(2);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries.map((e) => e.service)).toEqual(['dds', 'dds']);
    expect(entries[0]).toMatchObject({ level: 30, msg: 'batch written', batch: 3 });
    expect(entries[1]).toMatchObject({ level: 40, msg: 'slow', component: 'stage-runner' });
    expect(lines.every((line) => line.endsWith('\n'))).toBe(true);
  });

  it('never prints a password or API key, whether in a field, a URL, a message or an error', () => {
    const { log, lines } = capture('stg');
    const url = `postgres://dwh_stg:${SECRET}@postgres:5432/dwh`;
    log.info({ databaseUrl: url, redisUrl: `rediss://default:${SECRET}@cache:6380` }, 'connecting');
    log.info({ config: { push: { apiKey: SECRET } }, credentials: { password: SECRET }, password: SECRET }, 'config');
    log.info({ req: { method: 'POST', url: `/push?key=${SECRET}`, headers: { 'x-api-key': SECRET, authorization: `Bearer ${SECRET}` } } }, 'request');
    log.error({ err: new Error(`connect ECONNREFUSED for ${url}`) }, `could not reach ${url}`);

    const text = lines.join('');
    expect(text).not.toContain(SECRET);
    expect(text.match(/\[redacted\]/g)!.length).toBeGreaterThanOrEqual(7);
    // What helps debugging stays: user, host, database, the shape of the request.
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(entries[0]!.databaseUrl).toBe('postgres://dwh_stg:[redacted]@postgres:5432/dwh');
    // A request is logged as Fastify logs it, without headers and with its query string cut.
    expect(entries[2]!.req).toEqual({ method: 'POST', url: '/push?[redacted]' });
    expect(entries[3]!.msg).toBe('could not reach postgres://dwh_stg:[redacted]@postgres:5432/dwh');
    expect((entries[3]!.err as { message: string; stack: string }).stack).toContain('ECONNREFUSED for postgres://dwh_stg:[redacted]@');
  });

  it('prints readable lines for a person at a terminal, scrubbed the same way', () => {
    const { log, lines } = capture('cdm', true);
    log.warn({ databaseUrl: `postgres://owner:${SECRET}@db/dwh`, partition: 2 }, 'retrying');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^cdm \d\d:\d\d:\d\d\.\d{3} WARN {2}retrying {2}databaseUrl=postgres:\/\/owner:\[redacted\]@db\/dwh partition=2\n$/);
  });

  it('logs what libraries hand it without throwing: bytes summarised, cycles and depth cut, throwing getters reported', () => {
    const { log, lines } = capture('cdm');
    const cyclic: Record<string, unknown> = { name: 'group' };
    cyclic.self = cyclic;
    const deep = Array.from({ length: 12 }).reduce<Record<string, unknown>>((inner) => ({ inner }), { password: SECRET });
    const getter = Object.defineProperty({ ok: 1 }, 'broken', {
      enumerable: true,
      get() {
        throw new Error('not readable now');
      },
    });
    class Assignment {
      constructor(readonly topic: string) {}
    }
    log.info({ payload: Buffer.from('abc'), data: { memberAssignment: Buffer.alloc(40), crc: new Uint8Array(4) } }, 'kafkajs response');
    log.info({ assignment: cyclic, deep, getter, owner: new Assignment('cdm_service') }, 'odd shapes');
    log.info(
      {
        lag: 12n,
        seen: new Set(['a']),
        byTopic: new Map([['t', { sasl: { password: SECRET } }]]),
        at: new Date(0),
        many: Array.from({ length: 250 }, (_, i) => i),
      },
      'collections',
    );
    log.info({ nested: { cause: new Error('inner failure') } }, 'nested error');

    expect(lines).toHaveLength(4);
    expect(lines.join('')).not.toContain(SECRET);
    const [bytes, odd, collections, nested] = lines.map((line) => JSON.parse(line) as Record<string, Record<string, unknown> & { cause: unknown }>);
    expect(bytes!.payload).toBe('[Buffer 3 bytes]');
    expect(bytes!.data).toEqual({ memberAssignment: '[Buffer 40 bytes]', crc: '[Uint8Array 4 bytes]' });
    expect(odd!.assignment).toEqual({ name: 'group', self: '[circular]' });
    expect(JSON.stringify(odd!.deep)).toContain('nested too deep');
    expect(odd!.getter).toEqual({ ok: 1, broken: '[unreadable: not readable now]' });
    expect(odd!.owner).toEqual({ topic: 'cdm_service' });
    expect(collections).toMatchObject({ lag: '12', seen: ['a'], byTopic: { t: { sasl: { password: '[redacted]' } } }, at: '1970-01-01T00:00:00.000Z' });
    expect(collections!.many).toHaveLength(201);
    expect((collections!.many as unknown as unknown[])[200]).toBe('[50 more]');
    expect(nested!.nested.cause).toMatchObject({ type: 'Error', message: 'inner failure', stack: expect.stringContaining('inner failure') });
  });

  it('writes a line saying why, not an exception, when a logged value cannot be written', () => {
    const { log, lines } = capture('dds');
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('no keys for you');
        },
      },
    );
    expect(() => log.warn(hostile, 'batch retried')).not.toThrow();
    expect(() => log.warn({ hostile }, 'batch retried again')).not.toThrow();
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 40, msg: 'batch retried', unloggable: 'no keys for you' });
    expect(JSON.parse(lines[1]!)).toMatchObject({ level: 40, msg: 'batch retried again', hostile: '[unreadable: no keys for you]' });
  });

  it('is JSON in production, readable only at a terminal otherwise', () => {
    expect(shouldPrettyPrint(loadConfig({ NODE_ENV: 'production' }).production, true)).toBe(false);
    expect(shouldPrettyPrint(loadConfig({}).production, true)).toBe(true);
    expect(shouldPrettyPrint(loadConfig({ NODE_ENV: 'development' }).production, false)).toBe(false);
  });
});

describe('scrubSecrets', () => {
  it('replaces the password of every URL and keeps everything else', () => {
    expect(scrubSecrets('a postgres://u:p@h:5432/d and redis://:pw@r:6379 and amqp://x@y')).toBe(
      'a postgres://u:[redacted]@h:5432/d and redis://:[redacted]@r:6379 and amqp://x@y',
    );
    expect(scrubSecrets('{"url":"postgresql://svc:p%40ss@db/x"}')).toBe('{"url":"postgresql://svc:[redacted]@db/x"}');
    expect(scrubSecrets('time 12:30:45 at host:5432 user@example.com')).toBe('time 12:30:45 at host:5432 user@example.com');
  });
});
