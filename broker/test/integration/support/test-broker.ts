import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startBroker, type BrokerOptions, type RunningBroker } from '../../../src/index.ts';

export interface TestBroker extends RunningBroker {
  dataDir: string;
  /** Closes the broker and removes its data directory. */
  stop(): Promise<void>;
}

export function makeTempDataDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `broker-it-${label}-`));
}

/** A broker on a free loopback port with its own temp data directory. */
export async function startTestBroker(label: string, options: Partial<BrokerOptions> = {}): Promise<TestBroker> {
  const dataDir = makeTempDataDir(label);
  const broker = await startBroker({ port: 0, dataDir, ...options });
  return {
    ...broker,
    dataDir,
    async stop() {
      await broker.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
