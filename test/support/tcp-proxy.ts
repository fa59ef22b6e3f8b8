// A TCP proxy between the services and a real server (Postgres, Redis), so that a test can make
// the server unreachable (cut) or make it hang (blackhole) for a while without stopping the
// machine's shared instance.
import net from 'node:net';

export type TcpProxyState = 'open' | 'cut' | 'blackhole';

export interface TcpProxy {
  port: number;
  /** 127.0.0.1:<port>, to put in a connection URL instead of the real server's address. */
  address: string;
  /** Whether connections are currently let through. */
  readonly open: boolean;
  readonly state: TcpProxyState;
  /** Drops every connection and refuses new ones (accepted, then reset at once) until restore(). */
  cut(): void;
  /**
   * A hang, as a stuck proxy or a half-open connection: every connection stays open and new ones
   * are accepted, but the bytes in both directions are silently dropped — no answer, no FIN, no
   * reset — until restore(). A side that closes meanwhile is only seen by the other side after
   * restore() (as a retransmitted FIN would be).
   */
  blackhole(): void;
  /** Lets traffic through again; bytes sent during a blackhole are lost, as on a real network. */
  restore(): void;
  close(): Promise<void>;
}

interface Pair {
  client: net.Socket;
  upstream: net.Socket;
  /** A side closed or ended during a blackhole: passed on to the other side at restore(). */
  closedDuringBlackhole: boolean;
  endedDuringBlackhole: Set<net.Socket>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<Pair>();
  let state: TcpProxyState = 'open';

  const drop = (pair: Pair) => {
    pairs.delete(pair);
    pair.client.destroy();
    pair.upstream.destroy();
  };

  /** from → to while open; dropped on the floor while blackholed. */
  const forward = (pair: Pair, from: net.Socket, to: net.Socket) => {
    from.on('data', (chunk: Buffer) => {
      if (state !== 'open' || to.destroyed) return;
      if (!to.write(chunk)) {
        from.pause();
        to.once('drain', () => from.resume());
      }
    });
    // allowHalfOpen: a FIN is passed on explicitly, so that a blackhole can hold it back.
    from.on('end', () => {
      if (state === 'blackhole') pair.endedDuringBlackhole.add(from);
      else to.end();
    });
  };

  // allowHalfOpen on both sides: Node would otherwise answer a FIN by itself, even while blackholed.
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    if (state === 'cut') {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ port: target.port, host: target.host, allowHalfOpen: true });
    const pair: Pair = { client, upstream, closedDuringBlackhole: false, endedDuringBlackhole: new Set() };
    pairs.add(pair);
    const onClose = () => {
      if (!pairs.has(pair)) return;
      if (state === 'blackhole') pair.closedDuringBlackhole = true;
      else drop(pair);
    };
    for (const socket of [client, upstream]) socket.on('error', onClose).on('close', onClose);
    forward(pair, client, upstream);
    forward(pair, upstream, client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as net.AddressInfo;

  const cut = () => {
    state = 'cut';
    for (const { client, upstream } of pairs) {
      // A reset, not a polite FIN: the clients see what a crashed or unreachable server looks like.
      if (!client.destroyed) client.resetAndDestroy();
      upstream.destroy();
    }
    pairs.clear();
  };
  return {
    port,
    address: `127.0.0.1:${port}`,
    get open() {
      return state === 'open';
    },
    get state() {
      return state;
    },
    cut,
    blackhole() {
      state = 'blackhole';
    },
    restore() {
      state = 'open';
      for (const pair of [...pairs]) {
        if (pair.closedDuringBlackhole) {
          drop(pair);
          continue;
        }
        for (const ended of pair.endedDuringBlackhole) (ended === pair.client ? pair.upstream : pair.client).end();
        pair.endedDuringBlackhole.clear();
      }
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
