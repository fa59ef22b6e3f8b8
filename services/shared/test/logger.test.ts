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
