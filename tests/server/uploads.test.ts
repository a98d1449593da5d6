import { existsSync, readdirSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, sleep } from './events-harness';
import { samples } from './fixtures/files';
import { DIALECTS, startServer, type Client, type TestServer } from './harness';

/*
 * Every upload gets an answer, whatever the shape of its body, and gives back
 * what it held: the user's upload slots (3 at a time), the staging folder, the
 * files it was writing.
 */

const BOUNDARY = 'ipp-test-boundary';

interface Part { headers: string; body: Buffer | string }
const field = (name: string, value: string): Part => ({ headers: `Content-Disposition: form-data; name="${name}"`, body: value });
const file = (name: string, bytes: Uint8Array, fieldName = 'files'): Part => ({
  headers: `Content-Disposition: form-data; name="${fieldName}"; filename="${name}"\r\nContent-Type: application/octet-stream`, body: Buffer.from(bytes),
});
function multipart(parts: Part[], { close = true } = {}): Buffer {
  const chunks = parts.flatMap((p) => [Buffer.from(`--${BOUNDARY}\r\n${p.headers}\r\n\r\n`), Buffer.from(p.body), Buffer.from('\r\n')]);
  if (close) chunks.push(Buffer.from(`--${BOUNDARY}--\r\n`));
  return Buffer.concat(chunks);
}

interface Answer { status: number; type?: string; body: string; ms: number }

describe.each(DIALECTS)('malformed uploads on %s', (dialect) => {
  let server: TestServer;
  let http: ServerType;
  let port: number;
  let alice: Client;
  let roomId: number;
  let png: Uint8Array;
  let pdf: Uint8Array;

  beforeAll(async () => {
    server = await startServer(dialect, { CHAT_UPLOAD_IDLE_SECONDS: '1' });
    http = serve({ fetch: server.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => http.once('listening', resolve));
    port = (http.address() as AddressInfo).port;
    alice = await server.as(1);
    roomId = (await (await alice.post('/rooms', { type: 'direct', userId: 2 })).json()).id;
    ({ png, pdf } = await samples());
  });
  afterAll(async () => {
    await new Promise((resolve) => http?.close(resolve));
    await server?.close();
  });

  /**
   * POSTs a raw body to the real HTTP server: in one write, or in chunks of
   * `chunk` bytes written one at a time; `stopAfter` sends that many bytes and
   * then nothing more (the socket stays open), `cut` destroys it there instead.
   */
  function post(body: Buffer, opts: { chunk?: number; stopAfter?: number; cut?: boolean; type?: string } = {}): Promise<Answer> {
    const started = Date.now();
    return new Promise((resolve, reject) => {
      const req = httpRequest({
        host: '127.0.0.1', port, method: 'POST', path: `/api/chat/rooms/${roomId}/messages`,
        headers: {
          Authorization: `Bearer ${alice.token}`,
          'Content-Type': opts.type ?? `multipart/form-data; boundary=${BOUNDARY}`,
          'Content-Length': String(body.length),
        },
      }, (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (c) => { text += c; })
          .on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body: text, ms: Date.now() - started }));
      });
      req.on('error', (err) => (opts.cut ? resolve({ status: 0, body: '', ms: Date.now() - started }) : reject(err)));
      req.setNoDelay(true);
      const end = opts.stopAfter ?? body.length;
      void (async () => {
        const step = opts.chunk ?? end;
        for (let i = 0; i < end; i += step) {
          req.write(body.subarray(i, Math.min(i + step, end)));
          if (opts.chunk) await new Promise((r) => setImmediate(r));
        }
        if (opts.cut) req.destroy();
        else if (opts.stopAfter === undefined) req.end();
      })();
    });
  }

  const staged = () => {
    const dir = join(server.config.UPLOAD_DIR, '.staging');
    return existsSync(dir) ? readdirSync(dir) : [];
  };
  const messageCount = async () => (await (await alice.get(`/rooms/${roomId}/messages?limit=100`)).json()).messages.length;

  /** Three good uploads at once all pass: none of the user's three upload slots is still held. */
  async function slotsFree() {
    const answers = await Promise.all([1, 2, 3].map((i) => post(multipart([field('clientId', crypto.randomUUID()), file(`ok-${i}.pdf`, pdf)]))));
    expect(answers.map((a) => a.status)).toEqual([201, 201, 201]);
  }

  const cases: { name: string; body: () => Buffer; status: number; type?: string }[] = [
    { name: '11 pictures', status: 413, body: () => multipart([field('clientId', 'x'), ...Array.from({ length: 11 }, (_, i) => file(`photo-${i}.png`, png))]) },
    { name: 'an unknown field before a file', status: 400, body: () => multipart([field('foo', 'bar'), field('clientId', 'x'), file('a.png', png)]) },
    { name: 'a file in another field', status: 400, body: () => multipart([field('clientId', 'x'), file('a.png', png, 'attachment')]) },
    { name: 'an unescaped quote in filename', status: 400, body: () => multipart([field('clientId', 'x'), field('content', 'voici'), { headers: 'Content-Disposition: form-data; name="files"; filename="a"b.png"', body: Buffer.from(png) }]) },
    { name: 'a part without Content-Disposition', status: 400, body: () => multipart([field('clientId', 'x'), field('content', 'voici'), { headers: 'Content-Type: image/png', body: Buffer.from(png) }]) },
    { name: 'a header line without a colon', status: 400, body: () => multipart([field('clientId', 'x'), { headers: 'Content-Disposition form-data name files', body: Buffer.from(png) }]) },
    { name: 'a field given twice', status: 400, body: () => multipart([field('clientId', 'x'), field('clientId', 'y'), file('a.pdf', pdf)]) },
    { name: 'a field of 100 KB', status: 413, body: () => multipart([field('clientId', 'x'), field('content', 'a'.repeat(100_000)), file('a.pdf', pdf)]) },
    { name: 'too many fields', status: 413, body: () => multipart([field('clientId', 'x'), field('content', 'a'), field('replyToId', '1'), ...Array.from({ length: 12 }, () => file('a.pdf', pdf))]) },
    { name: 'no closing delimiter', status: 400, body: () => multipart([field('clientId', 'x'), file('a.pdf', pdf)], { close: false }) },
    { name: 'an empty body', status: 400, body: () => Buffer.alloc(0) },
    { name: 'a body of another boundary', status: 400, body: () => multipart([field('clientId', 'x'), file('a.pdf', pdf)]), type: 'multipart/form-data; boundary=other' },
    { name: 'no boundary', status: 400, body: () => multipart([field('clientId', 'x'), file('a.pdf', pdf)]), type: 'multipart/form-data' },
  ];

  for (const chunk of [undefined, 331]) {
    const how = chunk ? `in chunks of ${chunk} bytes` : 'in one chunk';
    it.each(cases)(`answers $name (${how}) and releases everything`, async ({ body, status, type }) => {
      const count = await messageCount();
      const answer = await post(body(), { chunk, type });
      expect(answer.status, answer.body).toBe(status);
      expect(answer.type).toMatch(/^application\/problem\+json/);
      expect(answer.ms).toBeLessThan(3000);
      expect(staged()).toEqual([]);
      expect(await messageCount()).toBe(count);
      await slotsFree();
    });
  }

  it('answers 400 to a client that stops sending half-way, and releases its slot and files', async () => {
    const count = await messageCount();
    const body = multipart([field('clientId', 'stalled'), file('a.png', png), file('b.png', png)]);
    const answers = await Promise.all([1, 2, 3].map(() => post(body, { stopAfter: Math.floor(body.length * 0.6) })));
    for (const a of answers) {
      expect(a.status).toBe(400);
      expect(JSON.parse(a.body).detail).toMatch(/stalled/);
      expect(a.ms).toBeLessThan(3000);
    }
    expect(staged()).toEqual([]);
    expect(await messageCount()).toBe(count);
    await slotsFree();
  });

  it('releases the slots of clients that hang up half-way', async () => {
    const count = await messageCount();
    const body = multipart([field('clientId', 'cut'), file('a.png', png), file('b.png', png)]);
    await Promise.all([1, 2, 3].map(() => post(body, { stopAfter: Math.floor(body.length / 2), cut: true })));
    await eventually(() => staged().length === 0, 3000, 'the staging area to empty');
    await sleep(50);
    expect(await messageCount()).toBe(count);
    await slotsFree();
  });
});
