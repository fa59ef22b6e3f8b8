import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const coordinatorUrl = new URL('../../src/groups/group-coordinator.ts', import.meta.url).href;
const storeUrl = new URL('./in-memory-offset-store.ts', import.meta.url).href;

describe('coordinator timers', () => {
  it('do not keep a process alive when the coordinator is never closed', () => {
    // A member with a 10-minute session and a held rebalance: live timers, but nothing else to do.
    const script = `
      import { GroupCoordinator } from ${JSON.stringify(coordinatorUrl)};
      import { InMemoryOffsetStore } from ${JSON.stringify(storeUrl)};
      const coordinator = new GroupCoordinator(new InMemoryOffsetStore());
      const request = (memberId) => ({ groupId: 'g', sessionTimeoutMs: 600000, rebalanceTimeoutMs: 600000, memberId,
        groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'p', metadata: Buffer.alloc(0) }],
        clientId: 'c', clientHost: '/127.0.0.1' });
      const a = await coordinator.joinGroup(3, request(''));
      await coordinator.syncGroup(3, { groupId: 'g', generationId: a.generationId, memberId: a.memberId, groupInstanceId: null, assignments: [] });
      coordinator.joinGroup(3, request('')); // held until a rejoins or ten minutes pass
      console.log('timers:' + coordinator.activeTimerCount);
    `;
    const startedAt = Date.now();
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../../..', import.meta.url)),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toMatch(/^timers:[1-9]/);
    expect(Date.now() - startedAt).toBeLessThan(15_000);
  });
});
