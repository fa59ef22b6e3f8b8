import { describe, expect, it } from 'vitest';
import { cpuBetween, parseMachineCpu, parseProcStatCpu, parseProcStatus, readMemory } from '../src/proc-stats.ts';
import { parsePsqlTimings } from '../src/copy-limit.ts';
import { activityShares, describeBackend } from '../src/pg-activity.ts';
import { parseBenchArgs, UsageError } from '../src/options.ts';

describe('/proc parsing', () => {
  it('reads VmRSS and VmHWM in MiB', () => {
    expect(parseProcStatus('Name:\tnode\nVmHWM:\t  204800 kB\nVmRSS:\t  102400 kB\n')).toEqual({ rssMb: 100, peakMb: 200 });
    expect(parseProcStatus('Name:\tnode\n')).toBeNull();
  });

  it('reads this very process', () => {
    const memory = readMemory(process.pid);
    expect(memory!.rssMb).toBeGreaterThan(1);
    expect(memory!.peakMb).toBeGreaterThanOrEqual(memory!.rssMb);
  });

  it('reads utime + stime after a command name with spaces', () => {
    const stat = '123 (node my) S 1 2 3 4 5 6 7 8 9 10 250 150 0 0 20 0';
    expect(parseProcStatCpu(stat)).toBe(4);
  });

  it('counts processes born between snapshots from zero', () => {
    expect(
      cpuBetween(
        new Map([[1, 2]]),
        new Map([
          [1, 3],
          [2, 1.5],
        ]),
      ),
    ).toBe(2.5);
  });

  it('reads the machine busy share from /proc/stat', () => {
    expect(parseMachineCpu('cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3')).toEqual({ busy: 150, total: 1000 });
  });
});

describe('psql timings and pg activity', () => {
  it('takes the Time lines of \\timing, short and long', () => {
    expect(parsePsqlTimings('COPY 10\nTime: 12.345 ms\nCOPY 5\nTime: 1234.500 ms (00:01.235)\n')).toEqual([12.345, 1234.5]);
  });

  it('names backend states and sums shares to 1', () => {
    expect(describeBackend('active', null, null)).toBe('active, on CPU');
    expect(describeBackend('active', 'IO', 'WALSync')).toBe('active, waiting IO:WALSync');
    const shares = activityShares(
      new Map([
        ['a', 1],
        ['b', 3],
      ]),
    );
    expect(shares).toEqual([
      { wait: 'b', share: 0.75 },
      { wait: 'a', share: 0.25 },
    ]);
  });
});

describe('options', () => {
  it('has the issue defaults', () => {
    expect(parseBenchArgs([])).toMatchObject({ orders: 100_000, rate: 1000, rateSeconds: 30, instances: 1, partitions: 6, kafka: 'development', keep: false });
    expect(parseBenchArgs(['--kafka', 'apache']).kafka).toBe('apache');
    expect(parseBenchArgs([]).viewers).toBe(0);
    expect(parseBenchArgs(['--viewers', '1']).viewers).toBe(1);
    expect(() => parseBenchArgs(['--viewers', '-1'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--kafka', 'redpanda'])).toThrow(/--kafka takes development or apache/);
  });

  it('refuses nonsense', () => {
    expect(() => parseBenchArgs(['--orders', '0'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--instances', '8', '--partitions', '6'])).toThrow(/idle/);
    expect(() => parseBenchArgs(['--cpu-prof', 'kafka'])).toThrow(UsageError);
    expect(() => parseBenchArgs(['--what'])).toThrow(UsageError);
  });
});
