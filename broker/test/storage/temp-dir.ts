import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp directory and its remover, for afterEach. */
export function makeTempDir(label: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `broker-storage-${label}-`));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
