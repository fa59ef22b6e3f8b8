import type { Socket } from 'node:net';
import { FrameSplitter } from './frame-splitter.ts';

export interface ClientInfo {
  readonly id: number;
  readonly remoteAddress: string;
  /** Aborted when the connection closes: requests still held (long polls) stop waiting. */
  readonly signal: AbortSignal;
}

/**
 * Answers one request frame: the response frame as buffers to write back to back (size prefix
 * included), or null for no answer.
 */
export type RequestDispatcher = (frame: Buffer, client: ClientInfo) => Promise<Buffer[] | null>;

export interface ConnectionLog {
  warn(message: string): void;
}

interface PendingResponse {
  frame: Buffer[] | null;
  ready: boolean;
}

/**
 * One client connection. Requests are pipelined: each is dispatched as soon as it arrives (a held
 * JoinGroup or long-polling Fetch does not block the next one), and responses are written in
 * request order, as the protocol requires.
 */
export class Connection {
  private readonly splitter: FrameSplitter;
  private readonly pending: PendingResponse[] = [];
  private readonly aborter = new AbortController();
  readonly client: ClientInfo;
  private closed = false;

  constructor(
    private readonly socket: Socket,
    identity: { id: number; remoteAddress: string },
    private readonly dispatch: RequestDispatcher,
    private readonly log: ConnectionLog,
    maxFrameBytes: number,
  ) {
    this.client = { ...identity, signal: this.aborter.signal };
    this.splitter = new FrameSplitter(maxFrameBytes);
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
  }

  private onData(chunk: Buffer): void {
    let frames: Buffer[];
    try {
      frames = this.splitter.push(chunk);
    } catch (error) {
      this.fail(error);
      return;
    }
    for (const frame of frames) this.handle(frame);
  }

  private handle(frame: Buffer): void {
    const slot: PendingResponse = { frame: null, ready: false };
    this.pending.push(slot);
    this.dispatch(frame, this.client).then(
      (response) => {
        slot.frame = response;
        slot.ready = true;
        this.flush();
      },
      (error: unknown) => this.fail(error),
    );
  }

  private flush(): void {
    if (this.closed) return;
    // Corked, the parts of every response ready now leave in as few packets as possible.
    this.socket.cork();
    while (this.pending.length > 0 && this.pending[0]!.ready) {
      const { frame } = this.pending.shift()!;
      if (frame) for (const part of frame) this.socket.write(part);
    }
    this.socket.uncork();
  }

  private fail(error: unknown): void {
    if (this.closed) return;
    const reason = error instanceof Error ? error.message : String(error);
    this.log.warn(`closing connection ${this.client.id} from ${this.client.remoteAddress}: ${reason}`);
    this.close();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.pending.length = 0;
    this.aborter.abort();
    this.socket.destroy();
  }
}
