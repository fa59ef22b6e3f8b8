// The READMEs stay true: every `npm run` they show is a script of package.json, and its arguments
// are accepted by that script's own parser where it has one (bench, topics, redrive); every file a
// command runs or a link points to exists, and every link to a heading finds it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../bench/src/options.ts';
import { parseRedriveArgs } from '../../scripts/redrive-args.ts';
import { parseTopicsArgs } from '../../scripts/topics/cli-args.ts';

const root = path.resolve(import.meta.dirname, '..', '..');
const DOCS = ['README.md', 'bench/README.md', 'broker/README.md', 'kafka/README.md'];
const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const read = (doc: string) => readFileSync(path.join(root, doc), 'utf8');

/** The lines of a document's shell code blocks (```bash), continuation lines joined. */
function codeLines(text: string): string[] {
  const blocks = [...text.matchAll(/```(?:bash|sh|shell)\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((block) => block.replace(/\\\n\s*/g, ' ').split('\n'));
}

/** `npm run <script> [-- args]` and `npm start|test` as written in code blocks (comments cut off). */
function npmCommands(text: string): Array<{ script: string; args: string[] }> {
  return codeLines(text).flatMap((line) =>
    [...line.replace(/\s#.*$/, '').matchAll(/npm (?:run ([\w:-]+)|(start|test))((?:\s+(?!&&|\|)[^\s&|;]+)*)/g)].map((m) => {
      const rest = (m[3] ?? '').trim().split(/\s+/).filter(Boolean);
      return { script: m[1] ?? m[2]!, args: rest[0] === '--' ? rest.slice(1) : rest };
    }),
  );
}

/** GitHub's anchor of a heading. */
const slug = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, '')
    .trim()
    .replace(/\s/g, '-');

const headings = (text: string) => new Set([...text.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));

describe.each(DOCS)('%s', (doc) => {
  const text = read(doc);

  it('shows only npm scripts that exist', () => {
    const commands = npmCommands(text);
    for (const { script } of commands) expect(Object.keys(scripts), `npm run ${script}`).toContain(script);
  });

  it("passes arguments the scripts' parsers accept", () => {
    const parsers: Record<string, (args: string[]) => unknown> = {
      bench: (args) => parseBenchArgs(args),
      topics: (args) => parseTopicsArgs(args, {}),
      redrive: (args) => parseRedriveArgs(args),
    };
    for (const { script, args } of npmCommands(text)) {
      const parse = parsers[script];
      // Placeholders ([-- --flag N]) are a synopsis, not a command to run.
      if (!parse || args.some((a) => a.startsWith('['))) continue;
      expect(() => parse(args), `npm run ${script} -- ${args.join(' ')}`).not.toThrow();
    }
  });

  it('runs only files that exist', () => {
    for (const line of codeLines(text)) {
      for (const [, file] of line.matchAll(/node --import tsx ([\w./-]+\.ts)/g)) expect(existsSync(path.join(root, file!)), file).toBe(true);
    }
  });

  it('links to files and headings that exist', () => {
    for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
      if (/^[a-z]+:/.test(target!)) continue; // http(s), mailto
      const [file, anchor] = target!.split('#');
      const linked = file ? path.join(path.dirname(path.join(root, doc)), file) : path.join(root, doc);
      expect(existsSync(linked), `${doc}: ${target}`).toBe(true);
      if (anchor && linked.endsWith('.md')) expect(headings(readFileSync(linked, 'utf8')), `${doc}: ${target}`).toContain(anchor);
    }
  });
});
