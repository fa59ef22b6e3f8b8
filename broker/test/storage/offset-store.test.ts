import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OffsetStore } from '../../src/storage/offset-store.ts';
import { makeTempDir } from './temp-dir.ts';

let tmp: { dir: string; remove: () => void };
const stores: OffsetStore[] = [];

function open(opts?: Parameters<typeof OffsetStore.open>[1]): OffsetStore {
  const store = OffsetStore.open(tmp.dir, opts);
  stores.push(store);
  return store;
}

const logFile = () => path.join(tmp.dir, 'offsets', 'commits.log');
const snapshotFile = () => path.join(tmp.dir, 'offsets', 'snapshot.json');

beforeEach(() => {
  tmp = makeTempDir('offsets');
});

afterEach(() => {
  for (const store of stores.splice(0)) store.close();
  tmp.remove();
});

describe('OffsetStore', () => {
  it('stores, overwrites and lists commits per group, negative offsets literally', () => {
    const store = open();
    store.commit('g1', [
      { topic: 'orders', partition: 0, offset: 10n, metadata: null },
      { topic: 'orders', partition: 1, offset: 20n, metadata: 'meta' },
    ]);
    store.commit('g1', [{ topic: 'orders', partition: 0, offset: 11n, metadata: 'x' }]);
    store.commit('g2', [
      { topic: 'orders', partition: 0, offset: -1n, metadata: null },
      { topic: 'payments', partition: 3, offset: -2n, metadata: '' },
    ]);
    expect(store.get('g1', 'orders', 0)).toEqual({ offset: 11n, metadata: 'x' });
    expect(store.get('g1', 'orders', 1)).toEqual({ offset: 20n, metadata: 'meta' });
    expect(store.get('g1', 'orders', 2)).toBeUndefined();
    expect(store.get('nope', 'orders', 0)).toBeUndefined();
    expect(store.get('g2', 'orders', 0)).toEqual({ offset: -1n, metadata: null });
    expect(store.get('g2', 'payments', 3)).toEqual({ offset: -2n, metadata: '' });
    expect(store.groups().sort()).toEqual(['g1', 'g2']);
    expect(store.listForGroup('g1')).toEqual([
      { topic: 'orders', partition: 0, offset: 11n, metadata: 'x' },
      { topic: 'orders', partition: 1, offset: 20n, metadata: 'meta' },
    ]);
    expect(store.listForGroup('unknown')).toEqual([]);
  });

  it('writes each commit to the log before returning, and survives reopen', () => {
    const store = open();
    store.commit('g', [{ topic: 't', partition: 0, offset: 5n, metadata: null }]);
    expect(fs.statSync(logFile()).size).toBeGreaterThan(0);
    store.commit('g', [{ topic: 't', partition: 0, offset: 9_007_199_254_740_993n, metadata: 'big' }]);
    // no close(): as if the process died here
    const reopened = OffsetStore.open(tmp.dir);
    stores.push(reopened);
    expect(reopened.get('g', 't', 0)).toEqual({ offset: 9_007_199_254_740_993n, metadata: 'big' });
  });

  it('cuts off a torn last record and keeps everything before it', () => {
    const store = open();
    store.commit('g', [{ topic: 't', partition: 0, offset: 1n, metadata: null }]);
    store.commit('g', [{ topic: 't', partition: 0, offset: 2n, metadata: null }]);
    store.close();
    fs.truncateSync(logFile(), fs.statSync(logFile()).size - 3);
    const reopened = open();
    expect(reopened.get('g', 't', 0)).toEqual({ offset: 1n, metadata: null });
    reopened.commit('g', [{ topic: 't', partition: 1, offset: 3n, metadata: null }]);
    reopened.close();
    const again = open();
    expect(again.listForGroup('g').map((e) => [e.partition, e.offset])).toEqual([
      [0, 1n],
      [1, 3n],
    ]);
  });

  it('ignores garbage appended after the last record', () => {
    const store = open();
    store.commit('g', [{ topic: 't', partition: 0, offset: 1n, metadata: null }]);
    store.close();
    fs.appendFileSync(logFile(), Buffer.from([0, 0, 0, 9, 1, 2, 3, 4, 5, 6]));
    expect(open().get('g', 't', 0)).toEqual({ offset: 1n, metadata: null });
  });

  it('compacts the log into a snapshot on open', () => {
    const store = open();
    for (let i = 0; i < 50; i++) store.commit('g', [{ topic: 't', partition: i % 2, offset: BigInt(i), metadata: null }]);
    store.close();
    const reopened = open();
    expect(fs.statSync(logFile()).size).toBe(0);
    expect(fs.existsSync(snapshotFile())).toBe(true);
    expect(reopened.get('g', 't', 0)?.offset).toBe(48n);
    expect(reopened.get('g', 't', 1)?.offset).toBe(49n);
  });

  it('compacts when the log grows past compactBytes, keeping the latest values', () => {
    const store = open({ compactBytes: 1000 });
    let maxLogSize = 0;
    for (let i = 0; i < 200; i++) {
      store.commit(`g${i % 3}`, [{ topic: 'topic', partition: i % 4, offset: BigInt(i), metadata: `m${i}` }]);
      maxLogSize = Math.max(maxLogSize, fs.statSync(logFile()).size);
    }
    expect(maxLogSize).toBeLessThan(1200);
    expect(fs.existsSync(snapshotFile())).toBe(true);
    const expected = (g: number, p: number) => {
      let last = -1;
      for (let i = 0; i < 200; i++) if (i % 3 === g && i % 4 === p) last = i;
      return last;
    };
    store.close();
    const reopened = open();
    for (let g = 0; g < 3; g++) {
      for (let p = 0; p < 4; p++) {
        const last = expected(g, p);
        expect(reopened.get(`g${g}`, 'topic', p)).toEqual({ offset: BigInt(last), metadata: `m${last}` });
      }
    }
  });

  it('replaying a log already folded into the snapshot gives the same table', () => {
    const store = open();
    store.commit('g', [{ topic: 't', partition: 0, offset: 1n, metadata: null }]);
    store.deleteTopic('t');
    store.commit('g', [{ topic: 't', partition: 0, offset: 7n, metadata: null }]);
    const log = fs.readFileSync(logFile());
    store.compact();
    store.close();
    fs.writeFileSync(logFile(), log); // crash between snapshot rename and log truncation
    expect(open().get('g', 't', 0)).toEqual({ offset: 7n, metadata: null });
  });

  it('deletes a topic from every group, and a whole group, durably', () => {
    const store = open();
    store.commit('g1', [
      { topic: 'gone', partition: 0, offset: 1n, metadata: null },
      { topic: 'kept', partition: 0, offset: 2n, metadata: null },
    ]);
    store.commit('g2', [{ topic: 'gone', partition: 1, offset: 3n, metadata: null }]);
    store.commit('g3', [{ topic: 'kept', partition: 1, offset: 4n, metadata: null }]);
    store.deleteTopic('gone');
    store.deleteGroup('g3');
    const check = (s: OffsetStore) => {
      expect(s.get('g1', 'gone', 0)).toBeUndefined();
      expect(s.get('g1', 'kept', 0)).toEqual({ offset: 2n, metadata: null });
      expect(s.groups()).toEqual(['g1']);
    };
    check(store);
    store.close();
    check(open());
  });

  it('refuses to start on an unreadable snapshot rather than lose offsets', () => {
    fs.mkdirSync(path.join(tmp.dir, 'offsets'), { recursive: true });
    fs.writeFileSync(snapshotFile(), '{"version":1,"groups":');
    expect(() => OffsetStore.open(tmp.dir)).toThrow(/unreadable/);
  });
});
