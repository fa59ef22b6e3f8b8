// Memory and CPU per process over phase 1: peak of each process, its RSS at each quarter of the
// phase and now, the CPU each used, and what the machine as a whole used besides.
import os from 'node:os';
import type { BenchRig } from './bench-rig.ts';
import type { Throughput } from './phase-throughput.ts';
import { readMemory } from './proc-stats.ts';
import type { ProcessFigures } from './report.ts';

function nearest<T extends { t: number }>(samples: readonly T[], t: number): T | undefined {
  let best: T | undefined;
  for (const sample of samples) if (!best || Math.abs(sample.t - t) < Math.abs(best.t - t)) best = sample;
  return best;
}

export function processFigures(rig: BenchRig, phase1: Throughput): { processes: Record<string, ProcessFigures>; rssPeak: Record<string, number> } {
  const { seconds } = phase1;
  const rssEnd = rig.rssNow();
  const figures: Record<string, ProcessFigures> = {};
  const rssPeak: Record<string, number> = {};
  for (const [name, pids] of rig.processes) {
    const peak = Math.max(...pids.map((pid) => readMemory(pid)?.peakMb ?? 0));
    rssPeak[name] = peak;
    const quarters = [0.25, 0.5, 0.75, 1].map((q) => nearest(rig.rssSamples, q * phase1.drainedMs)?.rss.get(name) ?? 0);
    const cpu = phase1.cpu.after.get(name)! - phase1.cpu.before.get(name)!;
    figures[name] = { rss_mb: peak, rss_series_mb: [...quarters, rssEnd.get(name) ?? 0], cpu_s: cpu, cores: cpu / seconds };
  }
  const { before, after } = phase1.tracked;
  const backendCpu = after.ownBackends - before.ownBackends;
  figures['postgres (this database)'] = { rss_mb: Number.NaN, rss_series_mb: [], cpu_s: backendCpu, cores: backendCpu / seconds };
  for (const name of ['postgres', 'redis'] as const) {
    const cpu = after[name] - before[name];
    figures[`${name} (all, machine-wide)`] = { rss_mb: Number.NaN, rss_series_mb: [], cpu_s: cpu, cores: cpu / seconds };
  }
  const benchCpuSeconds = (phase1.benchCpu.user + phase1.benchCpu.system) / 1e6;
  figures['bench (this process)'] = {
    rss_mb: process.resourceUsage().maxRSS / 1024,
    rss_series_mb: [],
    cpu_s: benchCpuSeconds,
    cores: benchCpuSeconds / seconds,
  };
  const machine = phase1.machine;
  if (machine.before && machine.after) {
    const busy = (machine.after.busy - machine.before.busy) / (machine.after.total - machine.before.total);
    const machineCpu = busy * os.cpus().length * seconds;
    const listed = Object.entries(figures).reduce((sum, [name, p]) => sum + (name === 'postgres (this database)' ? 0 : p.cpu_s), 0);
    // Other helpers' tests, the OS: what the figures above do not explain (noise on a shared machine).
    figures['everything else'] = { rss_mb: Number.NaN, rss_series_mb: [], cpu_s: machineCpu - listed, cores: (machineCpu - listed) / seconds };
    figures['machine (all processes)'] = { rss_mb: Number.NaN, rss_series_mb: [], cpu_s: machineCpu, cores: machineCpu / seconds };
  }
  return { processes: figures, rssPeak };
}
