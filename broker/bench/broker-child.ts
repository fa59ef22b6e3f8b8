// The benchmark's broker: the real CLI in its own process, so broker and client do not share an
// event loop (or a core, when the scheduler allows).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CLOCK_TICKS_PER_SECOND = 100;

export interface BrokerChild {
  address: string;
  pid: number;
  /** CPU seconds (user + system) the broker process has used so far. */
  cpuSeconds(): number;
  /** SIGTERM, then wait for a clean exit (so a --cpu-prof profile gets written). */
  stop(): Promise<void>;
}

export interface BrokerChildOptions {
  dataDir: string;
  partitions: number;
  /** Directory for a V8 CPU profile of the broker (node --cpu-prof); none when undefined. */
  cpuProfileDir?: string;
}

/** utime + stime of a process from /proc/<pid>/stat (Linux). */
export function processCpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

export async function startBrokerChild(options: BrokerChildOptions): Promise<BrokerChild> {
  const nodeArgs = ['--import', 'tsx'];
  if (options.cpuProfileDir) nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`);
  const child: ChildProcess = spawn(
    process.execPath,
    [...nodeArgs, 'broker/src/cli.ts', '--port', '0', '--data-dir', options.dataDir, '--partitions', String(options.partitions)],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const pid = child.pid!;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const address = await new Promise<string>((resolve, reject) => {
    let output = '';
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const match = /listening on (\S+)/.exec(output);
      if (match) {
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`broker exited with ${code} before listening: ${output}`)));
  });
  return {
    address,
    pid,
    cpuSeconds: () => processCpuSeconds(pid),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
