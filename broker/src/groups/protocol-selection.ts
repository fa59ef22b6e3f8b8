export interface ProtocolPreferences {
  /** Protocol names in the member's order of preference. */
  protocolNames: readonly string[];
}

/** Names every member supports, in the order of the first member's preference. */
export function commonProtocols(members: readonly ProtocolPreferences[]): string[] {
  const [first, ...rest] = members;
  if (!first) return [];
  return first.protocolNames.filter((name) => rest.every((m) => m.protocolNames.includes(name)));
}

/**
 * Kafka's vote: each member votes for its most preferred protocol among those all members
 * support; the most votes wins. Ties go to the first member's preference (pass the leader first).
 * Returns null when no protocol is common to every member.
 */
export function selectProtocol(members: readonly ProtocolPreferences[]): string | null {
  const candidates = commonProtocols(members);
  if (candidates.length === 0) return null;
  const votes = new Map<string, number>(candidates.map((name) => [name, 0]));
  for (const member of members) {
    const choice = member.protocolNames.find((name) => votes.has(name))!;
    votes.set(choice, votes.get(choice)! + 1);
  }
  let winner = candidates[0]!;
  for (const name of candidates) {
    if (votes.get(name)! > votes.get(winner)!) winner = name;
  }
  return winner;
}
