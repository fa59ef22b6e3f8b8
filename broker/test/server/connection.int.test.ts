import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Connection, type ClientInfo, type RequestDispatcher } from '../../src/server/connection.ts';
import { RawConnection } from '../integration/support/raw-connection.ts';

const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A loopback server whose sockets are served by Connection with the given dispatcher. */
async function serve(dispatch: RequestDispatcher, maxFrameBytes = 1024): Promise<{ port: number; connections: Connection[]; warnings: string[] }> {
  const connections: Connection[] = [];
  const warnings: string[] = [];
  const server = net.createServer((socket) => {
    connections.push(
      new Connection(socket, { id: connections.length + 1, remoteAddress: '127.0.0.1' }, dispatch, { warn: (m) => void warnings.push(m) }, maxFrameBytes),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const c of connections) c.close();
    await new Promise((resolve) => server.close(resolve));
  });
  return { port: (server.address() as net.AddressInfo).port, connections, warnings };
}

/** A frame whose body is [id, delay in 10 ms units] (not Kafka: the test dispatcher reads it). */
function frame(id: number, delayTicks = 0): Buffer {
  return Buffer.from([0, 0, 0, 2, id, delayTicks]);
}

/** Answers [id] after the frame's delay; id 0 means "no answer", id 255 fails. */
const echo: RequestDispatcher = async (body) => {
  const [id, delay] = [body[0]!, body[1]!];
  await new Promise((resolve) => setTimeout(resolve, delay * 10));
  if (id === 255) throw new Error('dispatcher failed');
  if (id === 0) return null;
  return [Buffer.from([0, 0, 0, 1]), Buffer.from([id])];
};

async function connect(port: number): Promise<RawConnection> {
  const raw = await RawConnection.connect(port);
  cleanups.push(() => raw.close());
  return raw;
}

describe('Connection', () => {
  it('answers pipelined requests in request order even when they finish out of order', async () => {
    const { port } = await serve(echo);
    const raw = await connect(port);
    raw.write(Buffer.concat([frame(1, 10), frame(2, 0), frame(3, 5), frame(4, 0)]));
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await raw.readFrame())[0]);
    expect(ids).toEqual([1, 2, 3, 4]);
  });

  it('skips requests that get no answer without losing the ones after them', async () => {
    const { port } = await serve(echo);
    const raw = await connect(port);
    raw.write(Buffer.concat([frame(0, 3), frame(5), frame(0), frame(6)]));
    expect([(await raw.readFrame())[0], (await raw.readFrame())[0]]).toEqual([5, 6]);
  });

  it('a held request does not block a second connection', async () => {
    const { port } = await serve(echo);
    const slow = await connect(port);
    const fast = await connect(port);
    // Held 2.5 s: the second connection's answer must come first, however loaded the machine.
    slow.write(frame(1, 250));
    let slowAnswered = false;
    const slowAnswer = slow.readFrame(10_000).then((answer) => {
      slowAnswered = true;
      return answer;
    });
    fast.write(frame(2));
    expect((await fast.readFrame())[0]).toBe(2);
    expect(slowAnswered).toBe(false);
    expect((await slowAnswer)[0]).toBe(1);
  });

  it('closes the connection when dispatching fails, and says why', async () => {
    const { port, warnings } = await serve(echo);
    const raw = await connect(port);
    raw.write(frame(255));
    expect(await raw.waitForClose()).toBe(true);
    expect(warnings.join()).toMatch(/closing connection 1 .*dispatcher failed/);
  });

  it('closes the connection on a frame size out of bounds', async () => {
    const { port, warnings } = await serve(echo, 16);
    const raw = await connect(port);
    raw.write(Buffer.from([0, 0, 0, 17]));
    expect(await raw.waitForClose()).toBe(true);
    expect(warnings.join()).toMatch(/frame size 17/);
  });

  it('aborts the signal of held requests when the client goes away, and drops their answers', async () => {
    let seen: ClientInfo | undefined;
    let settled = false;
    const { port } = await serve(async (_body, client) => {
      seen = client;
      await new Promise<void>((resolve) => client.signal.addEventListener('abort', () => resolve()));
      settled = true;
      return [Buffer.from([0, 0, 0, 1]), Buffer.from([9])];
    });
    const raw = await connect(port);
    raw.write(frame(1));
    await expect.poll(() => seen).toBeDefined();
    expect(seen!.signal.aborted).toBe(false);
    raw.close();
    await expect.poll(() => seen!.signal.aborted).toBe(true);
    await expect.poll(() => settled).toBe(true);
  });
});
