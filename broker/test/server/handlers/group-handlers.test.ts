import { afterEach, describe, expect, it } from 'vitest';
import { listGroups } from '../../../src/server/handlers/group-handlers.ts';
import { makeTestContext, type TestContext } from '../test-context.ts';

let test: TestContext;
afterEach(() => test?.dispose());

describe('listGroups handler', () => {
  it('lists every group as a classic one with its state, filtered by state and type regardless of case', () => {
    test = makeTestContext();
    test.ctx.offsets.commit('offsets-only', [{ topic: 't', partition: 0, offset: 1n, metadata: null }]);
    const all = { statesFilter: [], typesFilter: [] };
    expect(listGroups(test.ctx, all).groups).toEqual([{ groupId: 'offsets-only', protocolType: '', groupState: 'Empty', groupType: 'classic' }]);
    expect(listGroups(test.ctx, { statesFilter: ['empty'], typesFilter: ['Classic'] }).groups).toHaveLength(1);
    expect(listGroups(test.ctx, { statesFilter: ['Stable'], typesFilter: [] }).groups).toEqual([]);
    expect(listGroups(test.ctx, { statesFilter: [], typesFilter: ['consumer'] }).groups).toEqual([]);
  });
});
