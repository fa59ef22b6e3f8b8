// A command-line tool some suites drive (kcat, redis-server). Without it they are skipped on a
// developer's machine and fail under CI, whose .ci/run makes sure it is there.
import { spawnSync } from 'node:child_process';

/** Whether `command` runs (with `versionArg`); says on stderr what becomes of the suites when it does not. */
export function toolFound(command: string, versionArg: string, suites: string): boolean {
  const found = spawnSync(command, [versionArg], { stdio: 'ignore' }).status === 0;
  if (!found) console.warn(`${command} is not on PATH: ${process.env.CI ? 'failing' : 'skipping'} ${suites}`);
  return found || Boolean(process.env.CI);
}
