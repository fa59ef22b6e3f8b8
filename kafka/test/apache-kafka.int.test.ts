// Storage formatting of a node: a cluster id is random base64url, and one in 64 begins with "-".
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createApacheKafkaNode } from '../src/apache-kafka.ts';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'kafka-format-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('createApacheKafkaNode', () => {
  it('formats its storage once, with the cluster id given, even one that looks like an option', async () => {
    const clusterId = '-Jv7zTgeTf6K2uJ4hL_3Tw';
    const dataDir = path.join(scratch, 'node');
    const node = await createApacheKafkaNode({ dataDir, clusterId });
    const meta = path.join(dataDir, 'log', 'meta.properties');
    expect(existsSync(meta)).toBe(true);
    expect(readFileSync(meta, 'utf8')).toContain(`cluster.id=${clusterId}`);
    expect(node.running()).toBe(false);
    // Created again on the same data: the storage is reused, not formatted anew.
    await createApacheKafkaNode({ dataDir, clusterId: 'AAAAAAAAAAAAAAAAAAAAAQ' });
    expect(readFileSync(meta, 'utf8')).toContain(`cluster.id=${clusterId}`);
  }, 60_000);
});
