// Runs the pipeline's services as real child processes, the way `npm start` does, for end-to-end,
// crash and benchmark runs.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePortsByName } from './free-port.ts';

export const SERVICE_NAMES = ['source', 'stg', 'dds', 'cdm'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const PORT_VARIABLE: Record<ServiceName, string> = { source: 'SOURCE_PORT', stg: 'STG_PORT', dds: 'DDS_PORT', cdm: 'CDM_PORT' };

export interface ServiceProcess {
  name: ServiceName;
  port: number;
  child: ChildProcess;
  /** Everything the process wrote, for assertions and failure messages. */
  output: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface ServiceFleet {
  env: Record<string, string>;
  ports: Record<ServiceName, number>;
  running: Map<ServiceName, ServiceProcess>;
  /** Starts the service and waits until /health answers 200; env: this process's own changes (undefined unsets). */
  start(name: ServiceName, env?: Record<string, string | undefined>): Promise<ServiceProcess>;
  /** SIGKILL, no goodbye. */
  kill(name: ServiceName): Promise<void>;
  /** SIGTERM; resolves with the exit code. */
  stop(name: ServiceName): Promise<number | null>;
  stopAll(): Promise<void>;
  url(name: ServiceName, route: string): string;
}

async function waitForHealth(url: string, process: ServiceProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (process.child.exitCode !== null) throw new Error(`${process.name} exited with ${process.child.exitCode}:\n${process.output.slice(-20).join('')}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${process.name} not healthy after ${timeoutMs} ms (${last}):\n${process.output.slice(-20).join('')}`);
}

/** env: the configuration shared by every service (DATABASE_URL, KAFKA_BROKERS, REDIS_KEY_PREFIX ...). */
export async function createServiceFleet(env: Record<string, string>): Promise<ServiceFleet> {
  const ports = await freePortsByName(SERVICE_NAMES);
  const fullEnv: Record<string, string> = { ...(process.env as Record<string, string>), LOG_LEVEL: 'warn', ...env };
  for (const name of SERVICE_NAMES) fullEnv[PORT_VARIABLE[name]] = String(ports[name]);
  const running = new Map<ServiceName, ServiceProcess>();
  const url = (name: ServiceName, route: string) => `http://127.0.0.1:${ports[name]}${route}`;

  const fleet: ServiceFleet = {
    env: fullEnv,
    ports,
    running,
    url,
    async start(name, env) {
      if (running.has(name)) throw new Error(`${name} is already running`);
      const processEnv = { ...fullEnv, ...env };
      for (const [key, value] of Object.entries(processEnv)) if (value === undefined) delete processEnv[key];
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'services', name, 'src', 'main.ts')], {
        cwd: root,
        env: processEnv,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const output: string[] = [];
      child.stdout!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      // 'close', not 'exit': 'exit' can come before the last output is read, and a crash point's
      // line (which tells its SIGKILL from an unexpected one) would be missing from `output`.
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.on('close', (code, signal) => {
          if (running.get(name)?.child === child) running.delete(name);
          resolve({ code, signal });
        }),
      );
      const proc: ServiceProcess = { name, port: ports[name], child, output, exited };
      running.set(name, proc);
      await waitForHealth(url(name, '/health'), proc, 60_000);
      return proc;
    },
    async kill(name) {
      const proc = running.get(name);
      if (!proc) return;
      proc.child.kill('SIGKILL');
      await proc.exited;
    },
    async stop(name) {
      const proc = running.get(name);
      if (!proc) return null;
      proc.child.kill('SIGTERM');
      const { code } = await proc.exited;
      return code;
    },
    async stopAll() {
      await Promise.all([...running.keys()].map((name) => fleet.stop(name)));
    },
  };
  return fleet;
}
