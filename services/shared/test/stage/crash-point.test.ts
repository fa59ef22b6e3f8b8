import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { crashHook, type CrashPoint } from '../../src/stage/crash-point.ts';

function deaths(env: Record<string, string>, points: CrashPoint[], random = () => 0.5): CrashPoint[] {
  const died: CrashPoint[] = [];
  const hook = crashHook(loadConfig(env).crash, random, (point) => died.push(point));
  for (const point of points) {
    hook(point);
  }
  return died;
}

describe('crashHook (STAGE_CRASH_POINT through the config)', () => {
  it('never kills when STAGE_CRASH_POINT is unset or empty', () => {
    expect(deaths({}, ['before-commit', 'after-commit', 'after-produce'], () => 0)).toEqual([]);
    expect(deaths({ STAGE_CRASH_POINT: ' ' }, ['after-commit'], () => 0)).toEqual([]);
  });

  it('kills only at the listed points, always by default', () => {
    expect(deaths({ STAGE_CRASH_POINT: 'after-commit' }, ['before-commit', 'after-commit', 'after-produce'])).toEqual(['after-commit']);
    expect(deaths({ STAGE_CRASH_POINT: 'before-commit, after-produce' }, ['before-commit', 'after-commit', 'after-produce'])).toEqual([
      'before-commit',
      'after-produce',
    ]);
  });

  it('kills with the configured probability', () => {
    const env = { STAGE_CRASH_POINT: 'after-produce', STAGE_CRASH_PROBABILITY: '0.25' };
    expect(deaths(env, ['after-produce'], () => 0.2)).toEqual(['after-produce']);
    expect(deaths(env, ['after-produce'], () => 0.3)).toEqual([]);
  });

  it('refuses unknown points and bad probabilities', () => {
    expect(() => loadConfig({ STAGE_CRASH_POINT: 'after-lunch' })).toThrow(
      'STAGE_CRASH_POINT must list points among before-commit, after-commit, after-produce, got "after-lunch"',
    );
    expect(() => loadConfig({ STAGE_CRASH_POINT: 'after-commit', STAGE_CRASH_PROBABILITY: '2' })).toThrow(/from 0 to 1/);
    expect(() => loadConfig({ STAGE_CRASH_POINT: 'after-commit', STAGE_CRASH_PROBABILITY: 'often' })).toThrow(/from 0 to 1/);
  });
});
