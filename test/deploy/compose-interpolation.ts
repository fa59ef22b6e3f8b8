// Compose's variable interpolation ($VAR, ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error},
// ${VAR?error}, $$ for a literal $), enough to read docker-compose.yml the way `docker compose`
// does without Docker.

export type Env = Record<string, string | undefined>;

export class InterpolationError extends Error {
  override name = 'InterpolationError';
}

const PATTERN = /\$(?:(\$)|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])((?:[^}])*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** Every variable name a string refers to. */
export function variablesIn(text: string): string[] {
  return [...text.matchAll(PATTERN)].flatMap((m) => (m[1] ? [] : [m[2] ?? m[5]!]));
}

export function interpolateString(text: string, env: Env): string {
  return text.replace(
    PATTERN,
    (_match, dollar: string | undefined, braced: string | undefined, op: string | undefined, arg: string | undefined, bare: string | undefined) => {
      if (dollar) return '$';
      const name = (braced ?? bare)!;
      const value = env[name];
      const missing = op?.startsWith(':') ? value === undefined || value === '' : value === undefined;
      if (op?.endsWith('-')) return missing ? interpolateString(arg ?? '', env) : value!;
      if (op?.endsWith('?')) {
        if (missing) throw new InterpolationError(`required variable ${name} is missing a value: ${arg ?? ''}`);
        return value!;
      }
      return value ?? '';
    },
  );
}

/** Interpolates every string in a parsed YAML document (values only: keys stay as written). */
export function interpolate(document: unknown, env: Env): unknown {
  if (typeof document === 'string') return interpolateString(document, env);
  if (Array.isArray(document)) return document.map((item) => interpolate(item, env));
  if (document && typeof document === 'object') {
    return Object.fromEntries(Object.entries(document).map(([key, value]) => [key, interpolate(value, env)]));
  }
  return document;
}

/** Every variable name used anywhere in the document's values. */
export function variablesUsed(document: unknown): Set<string> {
  const names = new Set<string>();
  const visit = (node: unknown) => {
    if (typeof node === 'string') for (const name of variablesIn(node)) names.add(name);
    else if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') Object.values(node).forEach(visit);
  };
  visit(document);
  return names;
}

/** NAME=value lines of an env file; commented-out assignments (`# NAME=value`) are documented too. */
export function readEnvFile(text: string): { values: Env; documented: Set<string> } {
  const values: Env = {};
  const documented = new Set<string>();
  for (const line of text.split('\n')) {
    const active = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (active) {
      values[active[1]!] = active[2]!;
      documented.add(active[1]!);
      continue;
    }
    const commented = /^#\s*([A-Z_][A-Z0-9_]*)=/.exec(line.trim());
    if (commented) documented.add(commented[1]!);
  }
  return { values, documented };
}
