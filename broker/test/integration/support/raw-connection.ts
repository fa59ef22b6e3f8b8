import net from 'node:net';

/**
 * A bare TCP connection to the broker for wire-level tests: write any bytes, read whole response
 * frames (bodies without the size prefix), notice when the broker closes it.
 */
export class RawConnection {
  private buffered = Buffer.alloc(0);
  private readonly frames: Buffer[] = [];
  private waiter: (() => void) | null = null;
  private closedFlag = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      while (this.buffered.length >= 4 && this.buffered.length >= 4 + this.buffered.readInt32BE(0)) {
        const size = this.buffered.readInt32BE(0);
        this.frames.push(this.buffered.subarray(4, 4 + size));
        this.buffered = this.buffered.subarray(4 + size);
      }
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closedFlag = true;
      this.wake();
    });
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port }, () => {
        socket.off('error', reject);
        resolve(new RawConnection(socket));
      });
      socket.once('error', reject);
    });
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  write(bytes: Buffer): void {
    this.socket.write(bytes);
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.();
  }

  private async until(check: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) return false;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    return true;
  }

  /** The next response frame body (correlation id first); throws if none comes in time. */
  async readFrame(timeoutMs = 5_000): Promise<Buffer> {
    if (!(await this.until(() => this.frames.length > 0 || this.closedFlag, timeoutMs)) || this.frames.length === 0) {
      throw new Error(this.closedFlag ? 'connection closed by the broker' : `no response within ${timeoutMs} ms`);
    }
    return this.frames.shift()!;
  }

  /** True once the broker has closed the connection (false if it is still open after timeoutMs). */
  waitForClose(timeoutMs = 5_000): Promise<boolean> {
    return this.until(() => this.closedFlag, timeoutMs);
  }

  /** Frames received and not read yet. */
  get unreadFrames(): number {
    return this.frames.length;
  }

  close(): void {
    this.socket.destroy();
  }
}

/** A request frame: size, api key, version, correlation id, client id, then body. */
export function requestFrame(apiKey: number, apiVersion: number, correlationId: number, body: Buffer, clientId = 'raw'): Buffer {
  const id = Buffer.from(clientId);
  const header = Buffer.alloc(4 + 2 + 2 + 4 + 2 + id.length);
  header.writeInt32BE(header.length - 4 + body.length, 0);
  header.writeInt16BE(apiKey, 4);
  header.writeInt16BE(apiVersion, 6);
  header.writeInt32BE(correlationId, 8);
  header.writeInt16BE(id.length, 12);
  id.copy(header, 14);
  return Buffer.concat([header, body]);
}
