import { ErrorCode } from '../protocol/error-codes.ts';
import type { GroupProtocol, JoinGroupResult, SyncGroupResult } from './group-api-types.ts';
import { joinError, NO_BYTES, syncError } from './responses.ts';

export interface MemberSettings {
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
}

/** One member of a group, with the resolvers of its held JoinGroup or SyncGroup request. */
export class GroupMember {
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  protocolType: string;
  protocols: GroupProtocol[];
  assignment: Buffer = NO_BYTES;
  private joinResolver: ((response: JoinGroupResult) => void) | null = null;
  private syncResolver: ((response: SyncGroupResult) => void) | null = null;

  constructor(
    readonly memberId: string,
    readonly groupInstanceId: string | null,
    settings: MemberSettings,
  ) {
    this.clientId = settings.clientId;
    this.clientHost = settings.clientHost;
    this.sessionTimeoutMs = settings.sessionTimeoutMs;
    this.rebalanceTimeoutMs = settings.rebalanceTimeoutMs;
    this.protocolType = settings.protocolType;
    this.protocols = settings.protocols;
  }

  update(settings: MemberSettings): void {
    Object.assign(this, {
      clientId: settings.clientId,
      clientHost: settings.clientHost,
      sessionTimeoutMs: settings.sessionTimeoutMs,
      rebalanceTimeoutMs: settings.rebalanceTimeoutMs,
      protocolType: settings.protocolType,
      protocols: settings.protocols,
    });
  }

  get protocolNames(): string[] {
    return this.protocols.map((p) => p.name);
  }

  metadataFor(protocolName: string): Buffer {
    const protocol = this.protocols.find((p) => p.name === protocolName);
    if (!protocol) throw new Error(`member ${this.memberId} does not support protocol ${protocolName}`);
    return protocol.metadata;
  }

  /** Same protocols, in the same order, with the same metadata. */
  matches(protocols: readonly GroupProtocol[]): boolean {
    return (
      protocols.length === this.protocols.length &&
      protocols.every((p, i) => p.name === this.protocols[i]!.name && p.metadata.equals(this.protocols[i]!.metadata))
    );
  }

  resetAssignment(): void {
    this.assignment = NO_BYTES;
  }

  get isAwaitingJoin(): boolean {
    return this.joinResolver !== null;
  }

  get isAwaitingSync(): boolean {
    return this.syncResolver !== null;
  }

  /** Holds a JoinGroup until answerJoin; a join already held is superseded and told to rejoin. */
  awaitJoin(): Promise<JoinGroupResult> {
    this.answerJoin(joinError(this.memberId, ErrorCode.REBALANCE_IN_PROGRESS));
    return new Promise((resolve) => {
      this.joinResolver = resolve;
    });
  }

  awaitSync(): Promise<SyncGroupResult> {
    this.answerSync(syncError(ErrorCode.REBALANCE_IN_PROGRESS));
    return new Promise((resolve) => {
      this.syncResolver = resolve;
    });
  }

  /** Answers the held JoinGroup, if any; returns whether there was one. */
  answerJoin(response: JoinGroupResult): boolean {
    const resolve = this.joinResolver;
    if (!resolve) return false;
    this.joinResolver = null;
    resolve(response);
    return true;
  }

  answerSync(response: SyncGroupResult): boolean {
    const resolve = this.syncResolver;
    if (!resolve) return false;
    this.syncResolver = null;
    resolve(response);
    return true;
  }
}
