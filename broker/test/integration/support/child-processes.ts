import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitUntil } from './kafka-clients.ts';

/** The repository root: children run from there so `--import tsx` resolves. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export interface ChildHandle<Line = unknown> {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Every stdout line parsed as JSON, in order (lines that are not JSON are kept in `text`). */
  readonly lines: Line[];
  readonly text: string[];
  stderr(): string;
  get exited(): boolean;
  /** Resolves with the first line (already seen or still to come) that matches. */
  waitForLine(label: string, match: (line: Line) => boolean, timeoutMs?: number): Promise<Line>;
  waitForExit(timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends signal to the child by pid if it is still running. */
  signal(signal: NodeJS.Signals): void;
}

/** Children started by a test file; killChildren() SIGKILLs the ones still alive by pid. */
const started = new Set<ChildHandle<unknown>>();

/** Starts a child (never blocking this process: tests often host the broker in it). */
export function spawnChild<Line = unknown>(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {},
): ChildHandle<Line> {
  const child = spawn(command, args, {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? process.env,
    stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${command}`);
  if (options.input !== undefined) child.stdin!.end(options.input);
  const lines: Line[] = [];
  const text: string[] = [];
  let partial = '';
  let stderr = '';
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  child.stdout!.on('data', (chunk: Buffer) => {
    partial += chunk.toString('utf8');
    const complete = partial.split('\n');
    partial = complete.pop()!;
    for (const line of complete) {
      if (line.trim() === '') continue;
      text.push(line);
      try {
        lines.push(JSON.parse(line) as Line);
      } catch {
        // Not a JSON line (e.g. kcat's plain output): kept in text only.
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  child.on('exit', (code, signal) => (exit = { code, signal }));
  const pid = child.pid;
  const handle: ChildHandle<Line> = {
    child,
    pid,
    lines,
    text,
    stderr: () => stderr,
    get exited() {
      return exit !== null;
    },
    waitForLine: (label, match, timeoutMs = 20_000) => waitUntil(label, () => lines.find(match), timeoutMs),
    waitForExit: async (timeoutMs = 10_000) => waitUntil(`exit of pid ${pid}`, () => exit, timeoutMs),
    signal(signal) {
      if (exit === null) process.kill(pid, signal);
    },
  };
  started.add(handle as ChildHandle<unknown>);
  return handle;
}

/** Runs a command to completion; rejects if it fails or outlives timeoutMs (then it is killed). */
export async function runChild(
  command: string,
  args: string[],
  options: { input?: string; timeoutMs?: number } = {},
): Promise<{ stdout: string; stderr: string }> {
  const handle = spawnChild(command, args, { input: options.input });
  const stdout: string[] = [];
  handle.child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk.toString('utf8')));
  let exit;
  try {
    exit = await handle.waitForExit(options.timeoutMs ?? 15_000);
  } catch (error) {
    handle.signal('SIGKILL');
    throw new Error(`${command} ${args.join(' ')} did not finish: ${(error as Error).message}; stderr: ${handle.stderr()}`);
  }
  // 'exit' can precede the last 'data' events of the pipes.
  if (!handle.child.stdout!.readableEnded) await new Promise((resolve) => handle.child.stdout!.once('end', resolve));
  if (exit.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${exit.code ?? exit.signal}: ${handle.stderr()}`);
  return { stdout: stdout.join(''), stderr: handle.stderr() };
}

/** A TypeScript child run the way the project runs its scripts: `node --import tsx file args`. */
export function spawnTsChild<Line = unknown>(file: string, args: string[]): ChildHandle<Line> {
  return spawnChild<Line>(process.execPath, ['--import', 'tsx', file, ...args]);
}

/** SIGKILLs (by pid) every child still running and waits for them to go. */
export async function killChildren(): Promise<void> {
  const alive = [...started].filter((c) => !c.exited);
  for (const c of alive) c.signal('SIGKILL');
  await Promise.all(alive.map((c) => c.waitForExit(5_000).catch(() => undefined)));
  started.clear();
}
