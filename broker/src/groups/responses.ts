import type { JoinGroupResult, SyncGroupResult } from './group-api-types.ts';

export const NO_BYTES = Buffer.alloc(0);

export function joinError(memberId: string, errorCode: number): JoinGroupResult {
  return { errorCode, generationId: -1, protocolName: '', leader: '', memberId, members: [] };
}

export function syncError(errorCode: number): SyncGroupResult {
  return { errorCode, assignment: NO_BYTES };
}
