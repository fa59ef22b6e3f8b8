// The pipeline's processes for a benchmark run: the development broker (its CLI) and any number of
// instances of each service, each a separate node process on its own port.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/support/free-port.ts';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export type ServiceName = 'source' | 'stg' | 'dds' | 'cdm';
const PORT_VARIABLE: Record<ServiceName, string> = { source: 'SOURCE_PORT', stg: 'STG_PORT', dds: 'DDS_PORT', cdm: 'CDM_PORT' };

export interface NodeProcess {
  /** e.g. `stg` or `stg#2` */
  label: string;
  child: ChildProcess;
  pid: number;
  output: string[];
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after timeoutMs; resolves with the exit code (null when killed). */
  stop(timeoutMs?: number): Promise<number | null>;
}

function spawnNode(label: string, script: string, args: string[], env: Record<string, string>, cpuProfDir: string | null): NodeProcess {
  // One folder per process: node writes a profile per thread (tsx's loader thread too), named by pid and thread.
  const profile = cpuProfDir ? ['--cpu-prof', '--cpu-prof-dir', path.join(cpuProfDir, label.replace('#', '-'))] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', script, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.splice(0, output.length - 200);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return {
    label,
    child,
    pid: child.pid!,
    output,
    exited,
    async stop(timeoutMs = 30_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

export interface ServiceInstance extends NodeProcess {
  service: ServiceName;
  port: number;
  url(route: string): string;
}

/** Starts one instance of a service and resolves once its /health answers 200. */
export async function startService(service: ServiceName, instance: number, env: Record<string, string>, cpuProfDir: string | null): Promise<ServiceInstance> {
  const port = await freePort();
  const label = instance === 1 ? service : `${service}#${instance}`;
  const proc = spawnNode(label, path.join(root, 'services', service, 'src', 'main.ts'), [], { ...env, [PORT_VARIABLE[service]]: String(port) }, cpuProfDir);
  const url = (route: string) => `http://127.0.0.1:${port}${route}`;
  await waitForHealth(proc, url('/health'), 90_000);
  return { ...proc, service, port, url };
}

async function waitForHealth(proc: NodeProcess, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.label} exited with ${proc.child.exitCode}:\n${proc.output.join('').slice(-3000)}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await proc.stop(5000);
  throw new Error(`${proc.label} not healthy after ${timeoutMs} ms (${last}):\n${proc.output.join('').slice(-3000)}`);
}

export interface BrokerProcess extends NodeProcess {
  address: string;
}

/** The development broker as a child process (`npm run broker`), so its memory and CPU are its own. */
export async function startBrokerProcess(dataDir: string, partitions: number, cpuProfDir: string | null): Promise<BrokerProcess> {
  const proc = spawnNode(
    'broker',
    path.join(root, 'broker', 'src', 'cli.ts'),
    ['--port', '0', '--data-dir', dataDir, '--partitions', String(partitions)],
    process.env as Record<string, string>,
    cpuProfDir,
  );
  const address = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`broker did not start:\n${proc.output.join('')}`)), 30_000);
    const onData = (chunk: Buffer) => {
      const match = /listening on (\S+:\d+)/.exec(chunk.toString());
      if (match) {
        clearTimeout(timer);
        proc.child.stdout!.off('data', onData);
        resolve(match[1]!);
      }
    };
    proc.child.stdout!.on('data', onData);
    void proc.exited.then((code) => reject(new Error(`broker exited with ${code}:\n${proc.output.join('')}`)));
  });
  return { ...proc, address };
}
