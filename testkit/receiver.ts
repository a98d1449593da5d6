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
  /** The status each request is answered with (from its content, or its rank n from 1; 0: no answer at all); may be changed any time. */
  status: (request: Received, n: number) => number;
  received: Received[];
  /** Resolves once n requests have arrived. */
  waitFor(n: number): Promise<Received[]>;
  /** Resolves once what has arrived passes the test. */
  waitUntil(test: (received: Received[]) => boolean): Promise<Received[]>;
  close(): Promise<void>;
}

/** Starts a receiver answering each request with `status(request, n)`; 200 by default. */
export async function startReceiver(status: Receiver['status'] = () => 200): Promise<Receiver> {
  const received: Received[] = [];
  const waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const request = { body: Buffer.concat(chunks).toString('utf8'), headers: req.headers, at: performance.now() };
      received.push(request);
      const status = receiver.status(request, received.length);
      if (status) res.writeHead(status).end();
      for (const w of waiters.splice(0)) w();
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/hooks/chat`,
    status,
    received,
    waitFor(n) {
      return this.waitUntil((r) => r.length >= n);
    },
    async waitUntil(test) {
      while (!test(received)) await new Promise<void>((resolve) => waiters.push(resolve));
      return received;
    },
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  return receiver;
}
