import { once } from 'node:events';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/** A TCP relay in front of a real service (Redis, MariaDB), which a test can cut and restore like an outage. */
export interface Relay {
  port: number;
  /** Closes every connection and stops listening: new connections are refused. */
  cut(): Promise<void>;
  /** Listens again on the same port. */
  restore(): Promise<void>;
  close(): void;
}

export async function tcpRelay(host: string, port: number): Promise<Relay> {
  const sockets = new Set<Socket>();
  let server: Server;
  let own = 0;
  const listen = async () => {
    server = createServer((client) => {
      const upstream = connect(port, host);
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('error', () => s.destroy());
        s.on('close', () => { sockets.delete(s); client.destroy(); upstream.destroy(); });
      }
      client.pipe(upstream).pipe(client);
    });
    server.listen(own, '127.0.0.1');
    await once(server, 'listening');
    own = (server.address() as AddressInfo).port;
  };
  await listen();
  return {
    get port() { return own; },
    async cut() {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
    },
    restore: listen,
    close: () => { for (const s of sockets) s.destroy(); server.close(); },
  };
}
