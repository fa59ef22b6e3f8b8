// Memory and CPU of a process from /proc (Linux only; null elsewhere or once the process is gone).
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcMemory {
  /** resident set now, MiB */
  rssMb: number;
  /** peak resident set (VmHWM), MiB */
  peakMb: number;
}

/** VmRSS / VmHWM lines of /proc/<pid>/status, in kB. */
export function parseProcStatus(text: string): ProcMemory | null {
  const kb = (field: string) => {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, 'm').exec(text);
    return match ? Number(match[1]) : null;
  };
  const rss = kb('VmRSS');
  const hwm = kb('VmHWM');
  if (rss === null || hwm === null) return null;
  return { rssMb: rss / 1024, peakMb: hwm / 1024 };
}

export function readMemory(pid: number): ProcMemory | null {
  try {
    return parseProcStatus(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return null;
  }
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of /proc/<pid>/stat, in seconds. The command name may hold spaces: parse after ')'. */
export function parseProcStatCpu(text: string): number | null {
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
  return (utime + stime) / TICKS_PER_SECOND;
}

export function readCpuSeconds(pid: number): number | null {
  try {
    return parseProcStatCpu(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** Pids of the processes whose command name (/proc/<pid>/comm) is one of `names`, e.g. postgres. */
export function pidsByCommand(names: readonly string[]): number[] {
  const wanted = new Set(names);
  const pids: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (wanted.has(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** CPU seconds of a group of processes that come and go (Postgres backends): a snapshot per pid. */
export function cpuSnapshot(pids: readonly number[]): Map<number, number> {
  const snapshot = new Map<number, number>();
  for (const pid of pids) {
    const seconds = readCpuSeconds(pid);
    if (seconds !== null) snapshot.set(pid, seconds);
  }
  return snapshot;
}

/** CPU used between two snapshots; processes born in between count from 0. */
export function cpuBetween(before: ReadonlyMap<number, number>, after: ReadonlyMap<number, number>): number {
  let total = 0;
  for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
  return total;
}

/** Busy and total CPU ticks of the whole machine (first line of /proc/stat). */
export function parseMachineCpu(text: string): { busy: number; total: number } | null {
  const match = /^cpu\s+(.+)$/m.exec(text);
  if (!match) return null;
  const ticks = match[1]!.trim().split(/\s+/).map(Number);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const total = ticks.slice(0, 8).reduce((sum, t) => sum + t, 0);
  return { busy: total - idle, total };
}

export function readMachineCpu(): { busy: number; total: number } | null {
  try {
    return parseMachineCpu(readFileSync('/proc/stat', 'utf8'));
  } catch {
    return null;
  }
}

/**
 * CPU of a changing set of processes (Postgres backends come and go): every sample() reads each
 * current pid; a pid's CPU counts up to its last reading, so one that exits between samples loses
 * at most one interval. total() at the end of a phase minus total() at its start is the phase's CPU.
 */
export class CpuTracker {
  private readonly latest = new Map<number, number>();

  constructor(private readonly listPids: () => Promise<number[]> | number[]) {}

  async sample(): Promise<void> {
    for (const pid of await this.listPids()) {
      const seconds = readCpuSeconds(pid);
      if (seconds !== null) this.latest.set(pid, seconds);
    }
  }

  total(): number {
    let sum = 0;
    for (const seconds of this.latest.values()) sum += seconds;
    return sum;
  }
}
