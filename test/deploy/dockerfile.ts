// Reads a Dockerfile into stages and instructions (continuation lines joined, comments dropped),
// and .dockerignore into a matcher: enough to check the image's essentials without Docker.

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

export interface Stage {
  base: string;
  name: string | null;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const stages: Stage[] = [];
  let pending = '';
  let startLine = 0;
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (pending === '' && (line === '' || line.startsWith('#'))) return;
    if (pending === '') startLine = index + 1;
    if (line.startsWith('#')) return; // a comment inside a continued instruction
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1).trim()} `;
      return;
    }
    const full = (pending + line).trim();
    pending = '';
    const [, keyword = '', args = ''] = /^(\S+)\s*(.*)$/.exec(full) ?? [];
    const instruction = { keyword: keyword.toUpperCase(), args, line: startLine };
    if (instruction.keyword === 'FROM') {
      const [, base = '', name] = /^(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args) ?? [];
      stages.push({ base, name: name ?? null, instructions: [] });
    } else if (instruction.keyword !== 'ARG' || stages.length > 0) {
      if (stages.length === 0) throw new Error(`line ${startLine}: ${instruction.keyword} before FROM`);
      stages[stages.length - 1]!.instructions.push(instruction);
    }
  });
  return stages;
}

/** The JSON array of an exec-form CMD/ENTRYPOINT, or null for the shell form. */
export function execForm(args: string): string[] | null {
  try {
    const value = JSON.parse(args) as unknown;
    return Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : null;
  } catch {
    return null;
  }
}

/** COPY's flags, sources and destination (exec-form COPY is not used here). */
export function copyArgs(args: string): { from: string | null; sources: string[]; destination: string } {
  const words = args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length) ?? null;
  return { from, sources: paths.slice(0, -1), destination: paths[paths.length - 1]! };
}

function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      source += pattern[i + 2] === '/' ? '(?:.*/)?' : '.*';
      i += pattern[i + 2] === '/' ? 2 : 1;
    } else if (c === '*') source += '[^/]*';
    else if (c === '?') source += '[^/]';
    else source += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * .dockerignore semantics: patterns relative to the context root, `!` re-includes, the last
 * matching pattern wins, and a pattern that matches a folder excludes everything under it.
 */
export function dockerignoreMatcher(text: string): (relativePath: string) => boolean {
  const rules = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const include = line.startsWith('!');
      const pattern = (include ? line.slice(1) : line).replace(/^\/+/, '').replace(/\/+$/, '');
      return { include, regexp: globToRegExp(pattern) };
    });
  return (relativePath) => {
    const parts = relativePath.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let excluded = false;
    for (const { include, regexp } of rules) {
      if (prefixes.some((prefix) => regexp.test(prefix))) excluded = !include;
    }
    return excluded;
  };
}
