// Keeps the fleet's services running through deliberate kills: restarts the ones that kill
// themselves at a crash point, tells those deaths apart from unexpected ones, and records events.
import { CRASH_LINE_PREFIX, type CrashPoint } from '@orders-dwh/shared/stage';
import type { ServiceFleet, ServiceName, ServiceProcess } from '../../support/service-processes.ts';

export interface SupervisorEvent {
  at: number;
  /** A service, or something else the test did to the pipeline (e.g. 'kafka'). */
  service: ServiceName | 'kafka';
  what: string;
}

export interface Supervisor {
  /** Starts the service and resolves once it is healthy; a start cut short by a crash point is retried. */
  start(name: ServiceName): Promise<void>;
  /** SIGKILL (expected by the supervisor), then start again; waits for a restart in progress first. */
  killAndRestart(name: ServiceName): Promise<void>;
  /** Crash-point deaths per point. */
  crashes: Map<CrashPoint, number>;
  /** Crash-point deaths in the order they happened. */
  crashLog: Array<{ service: ServiceName; point: CrashPoint }>;
  /** Deaths nobody asked for: a real bug. */
  unexpected: string[];
  events: SupervisorEvent[];
  /** Records what the test did outside the fleet, in the same story. */
  note(subject: 'kafka', what: string): void;
  /** Resolves once every named service is running and no restart is pending. */
  settled(names: readonly ServiceName[], timeoutMs: number): Promise<void>;
}

export interface SupervisorOptions {
  /** Extra environment for one (re)start of a service, e.g. an armed crash point; read at each spawn. */
  envFor?(name: ServiceName): Record<string, string>;
}

export function superviseFleet(fleet: ServiceFleet, options: SupervisorOptions = {}): Supervisor {
  const crashes = new Map<CrashPoint, number>();
  const crashLog: Array<{ service: ServiceName; point: CrashPoint }> = [];
  const unexpected: string[] = [];
  const events: SupervisorEvent[] = [];
  const expectedDeaths = new Set<ServiceProcess>();
  const killedByTest = new WeakSet<ServiceProcess>();
  const restarting = new Set<Promise<void>>();
  const t0 = Date.now();
  const record = (service: SupervisorEvent['service'], what: string) => events.push({ at: Date.now() - t0, service, what });

  function spawn(name: ServiceName): { proc: ServiceProcess; healthy: Promise<unknown> } {
    const extra = options.envFor?.(name) ?? {};
    for (const [k, v] of Object.entries(extra)) fleet.env[k] = v;
    // fleet.start spawns synchronously, so the extra variables reach only this process.
    const healthy = fleet.start(name);
    for (const k of Object.keys(extra)) delete fleet.env[k];
    healthy.catch(() => {});
    const proc = fleet.running.get(name)!;
    record(name, `started${Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : ''}`);
    void proc.exited.then(({ code, signal }) => onExit(name, proc, code, signal));
    return { proc, healthy };
  }

  function onExit(name: ServiceName, proc: ServiceProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (expectedDeaths.delete(proc)) return;
    const line = proc.output
      .join('')
      .split('\n')
      .find((l) => l.startsWith(CRASH_LINE_PREFIX));
    if (signal === 'SIGKILL' && line) {
      const point = line.slice(CRASH_LINE_PREFIX.length).trim() as CrashPoint;
      crashes.set(point, (crashes.get(point) ?? 0) + 1);
      crashLog.push({ service: name, point });
      record(name, `crashed at ${point}`);
      const restart = supervisor.start(name).catch((error: Error) => {
        unexpected.push(`${name} failed to restart: ${error.message}`);
      });
      restarting.add(restart);
      void restart.finally(() => restarting.delete(restart));
      return;
    }
    if (signal === 'SIGTERM' || code === 0) return; // stopped by the test
    record(name, `died unexpectedly (code ${code}, signal ${signal})`);
    unexpected.push(`${name} exited with code ${code}, signal ${signal}:\n${proc.output.slice(-30).join('')}`);
  }

  const supervisor: Supervisor = {
    crashes,
    crashLog,
    unexpected,
    events,
    note: record,
    async start(name) {
      const { proc, healthy } = spawn(name);
      const outcome = await Promise.race([healthy.then(() => 'up' as const), proc.exited.then(() => 'died' as const)]);
      if (outcome === 'up') return;
      // Died while starting: at a crash point, onExit counted it and restarts it itself; killed by
      // the test, killAndRestart starts it again.
      if (killedByTest.has(proc) || proc.output.join('').includes(CRASH_LINE_PREFIX)) return;
      throw new Error(`${name} died while starting:\n${proc.output.slice(-30).join('')}`);
    },
    async killAndRestart(name) {
      // Between a crash point and the restart onExit began: let that restart finish, then kill, so
      // that every kill the test asks for happens.
      if (!fleet.running.has(name) || restarting.size > 0) await supervisor.settled([name], 60_000);
      const proc = fleet.running.get(name);
      if (!proc) throw new Error(`${name} is not running after it settled`);
      expectedDeaths.add(proc);
      killedByTest.add(proc);
      record(name, 'SIGKILL by the test');
      await fleet.kill(name);
      await supervisor.start(name);
    },
    async settled(names, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        await Promise.all([...restarting]);
        if (names.every((n) => fleet.running.has(n)) && restarting.size === 0) {
          const healthy = await Promise.all(
            names.map((n) =>
              fetch(fleet.url(n, '/health')).then(
                (r) => r.ok,
                () => false,
              ),
            ),
          );
          if (healthy.every(Boolean)) return;
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      const deaths = unexpected.length > 0 ? `; unexpected: ${unexpected.join('\n')}` : '';
      throw new Error(`services not all up after ${timeoutMs} ms: running ${[...fleet.running.keys()].join(', ')}${deaths}`);
    },
  };
  return supervisor;
}
