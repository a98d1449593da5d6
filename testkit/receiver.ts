import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request the receiver got. */
export interface Received {
  body: string;
  headers: IncomingHttpHeaders;
  /** performance.now() when its body had arrived. */
  at: number;
}

/** A local HTTP server standing in for a bot's webhook endpoint. */
export interface Receiver {
  url: string;
  received: Received[];
  /** Resolves once n requests have arrived. */
  waitFor(n: number): Promise<Received[]>;
  close(): Promise<void>;
}

/** Starts a receiver answering each request with `status(n)` (n: its rank, from 1); 200 by default. */
export async function startReceiver(status: (n: number) => number = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers, at: performance.now() });
      res.writeHead(status(received.length)).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks/chat`,
    received,
    async waitFor(n) {
      while (received.length < n) await new Promise<void>((resolve) => waiters.push(resolve));
      return received;
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
