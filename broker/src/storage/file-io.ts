/** Small synchronous file helpers shared by the storage classes. */
import fs from 'node:fs';
import path from 'node:path';

/** pwrite the whole of buf at position (writeSync may write less than asked). */
export function writeFully(fd: number, buf: Uint8Array, position: number): void {
  let written = 0;
  while (written < buf.length) {
    written += fs.writeSync(fd, buf, written, buf.length - written, position + written);
  }
}

/** pread up to length bytes at position into buf[offset..]; returns the bytes read (short only at EOF). */
export function readFully(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number {
  let total = 0;
  while (total < length) {
    const n = fs.readSync(fd, buf, offset + total, length - total, position + total);
    if (n === 0) break;
    total += n;
  }
  return total;
}

/** Makes a just created, renamed or deleted directory entry durable. */
export function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Replaces file with data atomically: write a temp file next to it, fsync, rename over.
 * A crash leaves either the old or the new content, never a mix.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    writeFully(fd, typeof data === 'string' ? Buffer.from(data) : data, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}
