// Reading one environment variable into a checked value; every bad value is a ConfigError that
// names the variable, what it must be and what it was.
import { readFileSync } from 'node:fs';

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Env = Record<string, string | undefined>;

export function str(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value ? value : fallback;
}

export function int(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

export function bool(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.trim().toLowerCase();
  if (!raw) return fallback;
  if (['1', 'true', 'yes'].includes(raw)) return true;
  if (['0', 'false', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got "${raw}"`);
}

export function fraction(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new ConfigError(`${name} must be a number from 0 to 1, got "${raw}"`);
  return value;
}

export function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

export const port = (env: Env, name: string, fallback: number) => int(env, name, fallback, 0, 65535);

/** A URL with one of the given schemes (caught here rather than as a confusing connection error later). */
export function url(env: Env, name: string, fallback: string, schemes: readonly string[]): string {
  const value = str(env, name, fallback);
  let protocol: string;
  try {
    protocol = new URL(value).protocol;
  } catch {
    throw new ConfigError(`${name} must be a URL such as ${fallback}, got "${value}"`);
  }
  if (!schemes.includes(protocol.slice(0, -1))) throw new ConfigError(`${name} must be a ${schemes.map((s) => `${s}://`).join(' or ')} URL, got "${value}"`);
  return value;
}

/** Kafka's own rule for topic names. */
export function topic(env: Env, name: string, fallback: string): string {
  const value = str(env, name, fallback);
  if (!/^[A-Za-z0-9._-]{1,249}$/.test(value) || value === '.' || value === '..') {
    throw new ConfigError(`${name} must be a Kafka topic name (letters, digits, '.', '_', '-'), got "${value}"`);
  }
  return value;
}

/**
 * A secret from NAME or from the file NAME_FILE names (Docker and Kubernetes secrets), trimmed; null
 * when neither is set. Both set is an error: which one wins would be a guess.
 */
export function secret(env: Env, name: string): string | null {
  const direct = env[name]?.trim();
  const file = env[`${name}_FILE`]?.trim();
  if (direct && file) throw new ConfigError(`set ${name} or ${name}_FILE, not both`);
  if (!file) return direct || null;
  return readFileSync(readableFile(env, `${name}_FILE`)!, 'utf8').trim() || null;
}

/** A file path that must exist and be readable now, rather than fail later inside a client; null when unset. */
export function readableFile(env: Env, name: string): string | null {
  const file = env[name]?.trim();
  if (!file) return null;
  try {
    readFileSync(file);
  } catch (error) {
    throw new ConfigError(`${name} must name a readable file, got "${file}" (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
  }
  return file;
}
