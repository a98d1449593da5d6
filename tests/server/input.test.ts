import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DIALECTS, expectProblem, startServer, type Client, type TestServer } from './harness';

const OVER_64_KIB = 70 * 1024;

describe.each(DIALECTS)('bad input on %s', (dialect) => {
  let server: TestServer;
  let alice: Client;
  let roomId: number;
  let messageId: number;

  beforeAll(async () => {
    server = await startServer(dialect);
    alice = await server.as(1);
    const room = await alice.post('/rooms', { type: 'group', name: 'Atelier', memberIds: [2, 3] });
    expect(room.status).toBe(201);
    roomId = (await room.json()).id;
    const sent = await alice.post(`/rooms/${roomId}/messages`, { content: 'Premier message', clientId: 'first' });
    expect(sent.status).toBe(201);
    messageId = (await sent.json()).id;
  });
  afterAll(() => server?.close());

  /** What Alice can see: her rooms, the room's members and its messages. */
  async function state() {
    const rooms = await (await alice.get('/rooms')).json();
    const room = await (await alice.get(`/rooms/${roomId}`)).json();
    const page = await (await alice.get(`/rooms/${roomId}/messages?limit=100`)).json();
    return { rooms, room, page };
  }
  let before: Awaited<ReturnType<typeof state>>;
  beforeEach(async () => { before = await state(); });
  const unchanged = async () => expect(await state()).toEqual(before);

  /** A request as Alice, with a raw body and its own Content-Type. */
  const raw = (method: string, path: string, body: string | undefined, contentType = 'application/json') =>
    alice.request(method, path, body, body === undefined ? {} : { 'Content-Type': contentType });

  const badBodies: [string, string, () => string, unknown][] = [
    ['malformed JSON', 'POST', () => `/rooms/${roomId}/messages`, '{"content": "Bonjour", "clientId": '],
    ['a JSON array', 'POST', () => '/rooms', '[{"type":"direct","userId":2}]'],
    ['a JSON string', 'POST', () => `/rooms/${roomId}/messages`, '"Bonjour"'],
    ['JSON null', 'PATCH', () => `/messages/${messageId}`, 'null'],
    ['an empty body', 'POST', () => `/rooms/${roomId}/messages`, ''],
    ['content as a number', 'POST', () => `/rooms/${roomId}/messages`, { content: 42, clientId: 'n1' }],
    ['content as null', 'POST', () => `/rooms/${roomId}/messages`, { content: null, clientId: 'n2' }],
    ['no clientId', 'POST', () => `/rooms/${roomId}/messages`, { content: 'Sans identifiant' }],
    ['a clientId with spaces', 'POST', () => `/rooms/${roomId}/messages`, { content: 'x', clientId: 'a b' }],
    ['a clientId of 65 characters', 'POST', () => `/rooms/${roomId}/messages`, { content: 'x', clientId: 'c'.repeat(65) }],
    ['replyToId as a string', 'POST', () => `/rooms/${roomId}/messages`, () => ({ content: 'x', clientId: 'r1', replyToId: String(messageId) })],
    ['userId as a string', 'POST', () => '/rooms', { type: 'direct', userId: '2' }],
    ['an unknown room type', 'POST', () => '/rooms', { type: 'forum', name: 'Forum' }],
    ['memberIds of strings', 'POST', () => '/rooms', { type: 'group', name: 'Groupe', memberIds: ['2'] }],
    ['a role "owner" for a new member', 'POST', () => `/rooms/${roomId}/members`, { userId: 4, role: 'owner' }],
    ['a role "owner"', 'PATCH', () => `/rooms/${roomId}/members/2`, { role: 'owner' }],
    ['muted "yes"', 'PATCH', () => `/rooms/${roomId}/me`, { muted: 'yes' }],
    ['a name as a number', 'PATCH', () => `/rooms/${roomId}`, { name: 12 }],
    ['messageId as a string', 'POST', () => `/rooms/${roomId}/read`, () => ({ messageId: String(messageId) })],
    ['messageId 1.5', 'POST', () => `/rooms/${roomId}/read`, { messageId: 1.5 }],
    ['a sender of my choosing', 'POST', () => `/rooms/${roomId}/messages`, { content: 'Au nom de Bruno', clientId: 'x1', senderId: 2 }],
    ['an extra field on a new group', 'POST', () => '/rooms', { type: 'group', name: 'Mon groupe', memberIds: [], createdBy: 2 }],
    ['an extra field on a direct room', 'POST', () => '/rooms', { type: 'direct', userId: 2, name: 'Direct' }],
    ['an extra field on an edit', 'PATCH', () => `/messages/${messageId}`, { content: 'Modifié', roomId: 99 }],
    ['an extra field on a role change', 'PATCH', () => `/rooms/${roomId}/members/2`, { role: 'admin', force: true }],
    ['an extra field on mute', 'PATCH', () => `/rooms/${roomId}/me`, { muted: true, userId: 2 }],
    ['empty content', 'POST', () => `/rooms/${roomId}/messages`, { content: '', clientId: 'e1' }],
    ['whitespace-only content', 'POST', () => `/rooms/${roomId}/messages`, { content: '  \n\t  ', clientId: 'e2' }],
    ['an edit to whitespace', 'PATCH', () => `/messages/${messageId}`, { content: '   ' }],
    ['content of 10 001 characters', 'POST', () => `/rooms/${roomId}/messages`, { content: 'a'.repeat(10_001), clientId: 'long' }],
    ['an edit of 10 001 characters', 'PATCH', () => `/messages/${messageId}`, { content: 'a'.repeat(10_001) }],
    ['an empty group name', 'POST', () => '/rooms', { type: 'group', name: '   ', memberIds: [2] }],
    ['a group name of 201 characters', 'POST', () => '/rooms', { type: 'group', name: 'n'.repeat(201), memberIds: [2] }],
    ['a group with a user who does not exist', 'POST', () => '/rooms', { type: 'group', name: 'Fantômes', memberIds: [2, 987654] }],
    ['a group with an inactive user', 'POST', () => '/rooms', { type: 'group', name: 'Inactifs', memberIds: [5] }],
  ];

  it.each(badBodies)('refuses %s with a 400 problem and changes nothing', async (_, method, path, given) => {
    const body = typeof given === 'function' ? given() : given;
    await expectProblem(await raw(method, path(), typeof body === 'string' ? body : JSON.stringify(body)), 400);
    await unchanged();
  });

  it('takes content of exactly 10 000 characters', async () => {
    const res = await alice.post(`/rooms/${roomId}/messages`, { content: 'é'.repeat(10_000), clientId: 'ten-thousand' });
    expect(res.status).toBe(201);
    const page = await (await alice.get(`/rooms/${roomId}/messages`)).json();
    expect(page.messages.at(-1).content).toBe('é'.repeat(10_000));
  });

  it.each(['abc', '0', '-1', '1.5', '1e3', '99999999999999999999', '%20'])('refuses the id %j in a path', async (id) => {
    await expectProblem(await alice.get(`/rooms/${id}`), 400, 404);
    await expectProblem(await alice.get(`/rooms/${id}/messages`), 400, 404);
    await expectProblem(await alice.post(`/rooms/${id}/messages`, { content: 'x', clientId: `id-${id}` }), 400, 404);
    await expectProblem(await alice.patch(`/messages/${id}`, { content: 'x' }), 400, 404);
    await expectProblem(await alice.delete(`/messages/${id}`), 400, 404);
    await expectProblem(await alice.delete(`/rooms/${roomId}/members/${id}`), 400, 404);
    await unchanged();
  });

  it.each(['before=abc', 'after=-1', 'limit=ten', 'limit=1.5', 'before=99999999999999999999'])('refuses the page query %s', async (query) => {
    await expectProblem(await alice.get(`/rooms/${roomId}/messages?${query}`), 400);
  });

  it('answers 404 for ids of nothing', async () => {
    await expectProblem(await alice.patch('/messages/987654', { content: 'x' }), 404);
    await expectProblem(await alice.delete('/messages/987654'), 404);
    await expectProblem(await alice.get('/rooms/987654'), 404);
    await expectProblem(await alice.get('/rooms/987654/messages'), 404);
    await expectProblem(await alice.post('/rooms/987654/messages', { content: 'x', clientId: 'nowhere' }), 404);
    await expectProblem(await alice.post(`/rooms/${roomId}/read`, { messageId: 987654 }), 400, 404);
    await expectProblem(await alice.post(`/rooms/${roomId}/messages`, { content: 'x', clientId: 'reply-nowhere', replyToId: 987654 }), 400, 404);
    await expectProblem(await alice.post('/rooms', { type: 'direct', userId: 987654 }), 400, 404);
    await unchanged();
  });

  it('answers an unknown route with a 404 problem', async () => {
    await expectProblem(await alice.get('/nothing-here'), 404);
    await expectProblem(await alice.request('PUT', `/rooms/${roomId}`, { name: 'x' }), 404, 405);
    await expectProblem(await server.app.request('/not-the-api'), 404);
  });

  it('refuses a body that is not JSON on a JSON route', async () => {
    await expectProblem(await raw('POST', `/rooms/${roomId}/messages`, '{"content":"texte","clientId":"plain"}', 'text/plain'), 400, 415);
    await expectProblem(await raw('POST', `/rooms/${roomId}/messages`, 'content=texte&clientId=form', 'application/x-www-form-urlencoded'), 400, 415);
    await expectProblem(await raw('PATCH', `/messages/${messageId}`, '{"content":"texte"}', 'text/plain'), 400, 415);
    await expectProblem(await raw('PATCH', `/rooms/${roomId}/me`, '{"muted":true}', 'text/plain'), 400, 415);
    const multipart = 'multipart/form-data; boundary=xyz';
    const form = (fields: string) => `--xyz\r\nContent-Disposition: form-data; name="content"\r\n\r\n${fields}\r\n--xyz--\r\n`;
    await expectProblem(await raw('PATCH', `/messages/${messageId}`, form('Modifié'), multipart), 400, 415);
    await expectProblem(await raw('PATCH', `/messages/${messageId}`, form('x'.repeat(OVER_64_KIB)), multipart), 400, 413, 415);
    await expectProblem(await raw('POST', '/rooms', form('group'), multipart), 400, 415);
    await unchanged();
  });

  describe('bodies over 64 KiB', () => {
    const bigMessage = () => JSON.stringify({ content: 'x'.repeat(OVER_64_KIB), clientId: 'too-big' });

    it('refuses one with a Content-Length (413)', async () => {
      await expectProblem(await raw('POST', `/rooms/${roomId}/messages`, bigMessage()), 413);
      await unchanged();
    });

    /** Posts a message as a stream of 8 KiB chunks, so it has no Content-Length. */
    const streamed = (json: string) => {
      const bytes = new TextEncoder().encode(json);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.subarray(i, i + 8192));
          controller.close();
        },
      });
      return server.app.request(`/api/chat/rooms/${roomId}/messages`, {
        method: 'POST', body, duplex: 'half',
        headers: { Authorization: `Bearer ${alice.token}`, 'Content-Type': 'application/json' },
      } as RequestInit);
    };

    it('refuses one streamed without a Content-Length (413)', async () => {
      await expectProblem(await streamed(bigMessage()), 413);
      await unchanged();
    });

    it('takes a streamed body under the limit', async () => {
      const res = await streamed(JSON.stringify({ content: 'y'.repeat(20_000).slice(0, 10_000), clientId: 'streamed-ok' }));
      expect(res.status).toBe(201);
      expect((await res.json()).clientId).toBe('streamed-ok');
    });

    /** POSTs a body to a real HTTP server on the app, with Transfer-Encoding: chunked unless `length`. */
    async function postChunked(path: string, json: string, { length = false } = {}) {
      const http = serve({ fetch: server.app.fetch, port: 0, hostname: '127.0.0.1' });
      try {
        await new Promise((resolve) => http.once('listening', resolve));
        const { port } = http.address() as AddressInfo;
        return await new Promise<{ status: number; type: string | undefined; body: string }>((resolve, reject) => {
          const req = httpRequest({
            host: '127.0.0.1', port, method: 'POST', path: `/api/chat${path}`,
            headers: {
              Authorization: `Bearer ${alice.token}`, 'Content-Type': 'application/json',
              ...(length ? { 'Content-Length': String(Buffer.byteLength(json)) } : { 'Transfer-Encoding': 'chunked' }),
            },
          }, (res) => {
            let text = '';
            res.setEncoding('utf8').on('data', (chunk) => { text += chunk; })
              .on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body: text }));
          });
          // The server may answer and close before it has read everything.
          req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
          const data = Buffer.from(json);
          for (let i = 0; i < data.length; i += 4096) req.write(data.subarray(i, i + 4096));
          req.end();
        });
      } finally {
        await new Promise((resolve) => http.close(resolve));
      }
    }

    it('refuses one sent chunked to a real HTTP server (413)', async () => {
      const { status, type, body } = await postChunked(`/rooms/${roomId}/messages`, bigMessage());
      expect(status).toBe(413);
      expect(type).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(body)).toMatchObject({ status: 413, title: expect.any(String), detail: expect.any(String) });
      await unchanged();
    });

    it('refuses one with a Content-Length on a real HTTP server (413), and JSON that is not JSON (400)', async () => {
      const big = await postChunked(`/rooms/${roomId}/messages`, bigMessage(), { length: true });
      expect(big.status).toBe(413);
      expect(big.type).toMatch(/^application\/problem\+json/);
      for (const bad of ['{"content":"texte",', '', 'null']) {
        const res = await postChunked(`/rooms/${roomId}/messages`, bad, { length: true });
        expect(res.status, bad).toBe(400);
        expect(res.type).toMatch(/^application\/problem\+json/);
      }
      await unchanged();
    });

    it('takes a chunked body under the limit on a real HTTP server', async () => {
      const { status, body } = await postChunked(`/rooms/${roomId}/messages`, JSON.stringify({ content: 'z'.repeat(10_000), clientId: 'chunked-ok' }));
      expect(status).toBe(201);
      expect(JSON.parse(body).clientId).toBe('chunked-ok');
    });
  });
});
