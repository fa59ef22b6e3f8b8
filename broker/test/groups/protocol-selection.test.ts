import { describe, expect, it } from 'vitest';
import { commonProtocols, selectProtocol } from '../../src/groups/protocol-selection.ts';

const member = (...protocolNames: string[]) => ({ protocolNames });

describe('selectProtocol', () => {
  it('picks the protocol most members prefer among those all support', () => {
    expect(selectProtocol([member('range', 'roundrobin'), member('roundrobin', 'range'), member('roundrobin', 'range')])).toBe('roundrobin');
  });

  it("breaks ties with the first member's preference", () => {
    expect(selectProtocol([member('range', 'roundrobin'), member('roundrobin', 'range')])).toBe('range');
    expect(selectProtocol([member('roundrobin', 'range'), member('range', 'roundrobin')])).toBe('roundrobin');
  });

  it('ignores protocols that some member lacks', () => {
    expect(selectProtocol([member('sticky', 'range'), member('range')])).toBe('range');
    expect(commonProtocols([member('a', 'b', 'c'), member('c', 'a'), member('a', 'c')])).toEqual(['a', 'c']);
  });

  it('returns null when nothing is common or there are no members', () => {
    expect(selectProtocol([member('range'), member('roundrobin')])).toBeNull();
    expect(selectProtocol([])).toBeNull();
  });
});
