// Fault injection for the crash tests only: with STAGE_CRASH_POINT set, the stage runner kills its
// own process (SIGKILL, no cleanup) at the named points of a batch, each time with probability
// STAGE_CRASH_PROBABILITY. Unset (always, outside tests), the hook does nothing.
import { writeSync } from 'node:fs';

/** Where a batch can be cut: inside the transaction after the writes, after the commit, after the produce. */
export const CRASH_POINTS = ['before-commit', 'after-commit', 'after-produce'] as const;
export type CrashPoint = (typeof CRASH_POINTS)[number];
export type CrashHook = (point: CrashPoint) => void;

/** The line a process writes to stderr just before it kills itself at a crash point. */
export const CRASH_LINE_PREFIX = 'STAGE_CRASH_POINT reached: ';

export const noCrash: CrashHook = () => {};

/** The hook config.crash asks for (STAGE_CRASH_POINT, STAGE_CRASH_PROBABILITY): none when no point is listed. */
export function crashHook(
  { points, probability }: { points: readonly CrashPoint[]; probability: number },
  random: () => number = Math.random,
  die: (point: CrashPoint) => void = killSelf,
): CrashHook {
  if (points.length === 0) return noCrash;
  const listed = new Set(points);
  return (point) => {
    if (listed.has(point) && random() < probability) die(point);
  };
}

function killSelf(point: CrashPoint): void {
  // Synchronous, so the line is out before the signal lands; the test counts these lines.
  writeSync(2, `${CRASH_LINE_PREFIX}${point}\n`);
  process.kill(process.pid, 'SIGKILL');
}
