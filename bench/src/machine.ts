// The machine and versions a figure was measured on.
import os from 'node:os';
import type pg from 'pg';

export interface MachineInfo {
  cores: number;
  cpu: string;
  memory_gb: number;
  os: string;
  node: string;
  postgres: string;
}

export async function machineInfo(db: pg.Pool): Promise<MachineInfo> {
  const { rows } = await db.query<{ server_version: string }>('SHOW server_version');
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    memory_gb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    postgres: rows[0]!.server_version,
  };
}
