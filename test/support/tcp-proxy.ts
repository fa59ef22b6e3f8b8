// A TCP proxy between the services and a real server (Postgres, Redis), so that a test can make
// the server unreachable for a while without stopping the machine's shared instance.
import net from 'node:net';

export interface TcpProxy {
  port: number;
  /** 127.0.0.1:<port>, to put in a connection URL instead of the real server's address. */
  address: string;
  /** Whether connections are currently let through. */
  readonly open: boolean;
  /** Drops every connection and refuses new ones (accepted, then reset at once) until restore(). */
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  let open = true;

  const server = net.createServer((client) => {
    if (!open) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const pair = { client, upstream };
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream);
    upstream.pipe(client);
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
    open = false;
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
      return open;
    },
    cut,
    restore() {
      open = true;
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
