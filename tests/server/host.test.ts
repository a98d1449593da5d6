import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/app';
import { createVerifier } from '../../server/auth';
import { parseEnv } from '../../server/env';
import { createLimits } from '../../server/limits';
import { openEvents } from './sse-client';
import { clientFor, DIALECTS, expectDocumented, expectProblem, mint, mintHost, SECRET, startServer, type TestServer } from './harness';

/** The host's service account for stocks: an active user of its users table. */
const STOCKS = 6;
const nowS = () => Math.floor(Date.now() / 1000);

describe.each(DIALECTS)('the host writing into the chat on %s', (dialect) => {
  let server: TestServer;
  let hostToken: string;

  beforeAll(async () => {
    server = await startServer(dialect);
    await server.testDb.exec("INSERT INTO users (id, username, full_name, email, is_active) VALUES (6, 'ipp-stocks', 'IPP Stocks', NULL, 1)");
    hostToken = await mintHost();
  });
  afterAll(() => server?.close());

  /** POST /host/messages with a token (the host's by default), checked against the document. */
  async function post(body: unknown, token = hostToken) {
    const path = '/api/chat/host/messages';
    return expectDocumented(server.app, 'POST', path, await server.app.request(path, {
      method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    }));
  }
  const count = async (table: string) => Number((await server.testDb.exec(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  let key = 0;
  const nextKey = () => `k-${++key}`;

  it('refuses a host token on every user route, and a user token on the host route (403)', async () => {
    const doc = await (await server.app.request('/api/chat/openapi.json')).json();
    const userOps = Object.entries(doc.paths as Record<string, Record<string, { security?: Record<string, unknown>[] }>>)
      .flatMap(([template, ops]) => Object.entries(ops).filter(([, op]) => op.security?.some((s) => 'bearer' in s))
        .map(([method]) => [method.toUpperCase(), template.replace(/\{[^}]+\}/g, '1')] as const));
    expect(userOps.length).toBeGreaterThan(20);
    for (const [method, path] of userOps) {
      const res = await server.app.request(path, { method, headers: { Authorization: `Bearer ${hostToken}` } });
      expect((await expectProblem(res, 403)).reason, `${method} ${path}`).toBe('host-token');
    }
    const alice = await mint({ sub: '1' });
    const refused = await post({ senderId: STOCKS, to: { userId: 1 }, content: 'Stock bas', idempotencyKey: nextKey() }, alice);
    expect((await expectProblem(refused, 403)).reason).toBe('user-token');
    expect(await count('chat_messages')).toBe(0);
  });

  it('refuses host tokens that are not well formed (401)', async () => {
    const body = { senderId: STOCKS, to: { userId: 1 }, content: 'Stock bas', idempotencyKey: nextKey() };
    const bad = [
      await mintHost({ sub: '6' }),
      await mintHost({}, { expiresIn: null }),
      await mintHost({ aud: 'another-app' }),
      await mintHost({ exp: nowS() - 120 }),
      await mintHost({ iat: nowS(), exp: nowS() + 7200 }),
      await mintHost({}, { secret: 'another-secret-of-at-least-32-bytes!!' }),
    ];
    for (const token of bad) {
      const res = await post(body, token);
      await expectProblem(res, 401);
      expect(res.headers.get('WWW-Authenticate')).toBe('Bearer error="invalid_token"');
      // Nor is it a user's token.
      await expectProblem(await server.app.request('/api/chat/me', { headers: { Authorization: `Bearer ${token}` } }), 401);
    }
    await expectProblem(await post(body, ''), 401);
    expect(await count('chat_messages')).toBe(0);
  });

  it('posts into the direct room of a user, created when absent, once per idempotency key', async () => {
    const idempotencyKey = nextKey();
    const first = await post({ senderId: STOCKS, to: { userId: 2 }, content: 'Votre commande est arrivée', idempotencyKey });
    expect(first.status).toBe(201);
    const sent = await first.json();
    expect(sent).toMatchObject({ senderId: STOCKS, senderName: 'IPP Stocks', content: 'Votre commande est arrivée', type: 'text', clientId: idempotencyKey });
    const again = await post({ senderId: STOCKS, to: { userId: 2 }, content: 'Votre commande est arrivée', idempotencyKey });
    expect(again.status).toBe(200);
    expect((await again.json()).id).toBe(sent.id);
    const bruno = await server.as(2);
    const rooms = await (await bruno.get('/rooms')).json();
    const direct = rooms.find((r: { id: number }) => r.id === sent.roomId);
    expect(direct).toMatchObject({ type: 'direct', unreadCount: 1, lastMessage: { id: sent.id } });
    const page = await (await bruno.get(`/rooms/${sent.roomId}/messages`)).json();
    expect(page.messages.map((m: { content: string }) => m.content)).toEqual(['Votre commande est arrivée']);
    // The same room the next time.
    const later = await (await post({ senderId: STOCKS, to: { userId: 2 }, content: 'Et la facture', idempotencyKey: nextKey() })).json();
    expect(later.roomId).toBe(sent.roomId);
  });

  it('posts into a room of the sender, and answers 404 for a room it is not in', async () => {
    const alice = await server.as(1);
    const group = await (await alice.post('/rooms', { type: 'group', name: 'Achats', memberIds: [2, STOCKS] })).json();
    const closed = await (await alice.post('/rooms', { type: 'group', name: 'Direction', memberIds: [2] })).json();
    const res = await post({ senderId: STOCKS, to: { roomId: group.id }, content: 'Réassort <@1> validé', idempotencyKey: nextKey() });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ roomId: group.id, mentions: [1] });
    const before = await count('chat_messages');
    for (const roomId of [closed.id, 999_999]) {
      expect((await expectProblem(await post({ senderId: STOCKS, to: { roomId }, content: 'Non', idempotencyKey: nextKey() }), 404)).code).toBe('not-found');
    }
    expect(await count('chat_messages')).toBe(before);
  });

  it("posts into a host record's room: created with its members, then completed with the missing ones", async () => {
    const context = { type: 'stock_item', id: 'REF-42', label: 'Article REF-42', url: '/stock/REF-42' };
    const alice = await server.as(1);
    const feed = await openEvents('http://in-process/api/chat', alice.token, { fetch: (url, init) => server.app.request(url, init) });
    try {
      const res = await post({ senderId: STOCKS, to: { context, memberIds: [1, 2] }, content: 'Stock bas : 3 restants', idempotencyKey: nextKey() });
      expect(res.status).toBe(201);
      const sent = await res.json();
      // Alice sees it live on her feed, like any message.
      const live = await feed.waitFor((e) => e.event === 'message.created' && e.json.id === sent.id);
      expect(live.json).toEqual(sent);
      const room = await (await alice.get(`/rooms/${sent.roomId}`)).json();
      expect(room).toMatchObject({ type: 'group', name: 'Article REF-42', context, memberCount: 3 });
      const next = await (await post({ senderId: STOCKS, to: { context, memberIds: [1, 3] }, content: 'Stock à zéro', idempotencyKey: nextKey() })).json();
      expect(next.roomId).toBe(sent.roomId);
      const after = await (await alice.get(`/rooms/${sent.roomId}`)).json();
      expect(after.members.map((m: { userId: number }) => m.userId).sort()).toEqual([1, 2, 3, STOCKS]);
      const page = await (await alice.get(`/rooms/${sent.roomId}/messages`)).json();
      expect(page.messages.map((m: { type: string; system?: { action: string; userId?: number } }) => (m.type === 'system' ? `${m.system!.action}:${m.system!.userId ?? ''}` : m.type)))
        .toEqual(['room.created:', 'text', 'member.added:3', 'text']);
      // Chloé, now a member, reads it; a record room the host posts into is the same as one the widget opens.
      const chloe = await server.as(3);
      expect((await chloe.get(`/rooms/${sent.roomId}/messages`)).status).toBe(200);
    } finally {
      feed.close();
    }
  });

  it('refuses bad input with a problem, creating nothing', async () => {
    const context = { type: 'stock_item', id: 'REF-BAD', label: 'Article' };
    const before = { messages: await count('chat_messages'), rooms: await count('chat_rooms'), members: await count('chat_room_members') };
    const cases: [unknown, number][] = [
      [{ senderId: 5, to: { userId: 1 }, content: 'Eve est inactive', idempotencyKey: nextKey() }, 400],
      [{ senderId: 77, to: { context, memberIds: [1] }, content: 'Inconnu', idempotencyKey: nextKey() }, 400],
      [{ senderId: STOCKS, to: { userId: 5 }, content: 'À une inactive', idempotencyKey: nextKey() }, 404],
      [{ senderId: STOCKS, to: { userId: STOCKS }, content: 'À soi', idempotencyKey: nextKey() }, 400],
      [{ senderId: STOCKS, to: { context, memberIds: [1, 5] }, content: 'Membre inactif', idempotencyKey: nextKey() }, 400],
      // The record's room exists (the test above): an inactive user is not added to it either.
      [{ senderId: STOCKS, to: { context: { type: 'stock_item', id: 'REF-42', label: 'Article REF-42' }, memberIds: [1, 5] }, content: 'Membre inactif', idempotencyKey: nextKey() }, 400],
      [{ senderId: STOCKS, to: { context, memberIds: [1] }, content: '   ', idempotencyKey: nextKey() }, 400],
      [{ senderId: STOCKS, to: { context, memberIds: [1] }, content: 'x'.repeat(10_001), idempotencyKey: nextKey() }, 400],
      [{ senderId: STOCKS, to: { context: { ...context, url: 'javascript:alert(1)' }, memberIds: [1] }, content: 'Lien', idempotencyKey: nextKey() }, 400],
      [{ senderId: STOCKS, to: { userId: 1, roomId: 1 }, content: 'Deux cibles', idempotencyKey: nextKey() }, 400],
      [{ senderId: STOCKS, to: { userId: 1 }, content: 'Sans clé' }, 400],
      [{ senderId: STOCKS, to: { userId: 1 }, content: 'Clé invalide', idempotencyKey: 'a b' }, 400],
      [{ senderId: STOCKS, to: { userId: 1 }, content: 'En trop', idempotencyKey: nextKey(), extra: 1 }, 400],
      [{ senderId: STOCKS, to: { userId: 1 }, content: 'x'.repeat(70_000), idempotencyKey: nextKey() }, 413],
    ];
    for (const [body, status] of cases) await expectProblem(await post(body), status);
    const notJson = await server.app.request('/api/chat/host/messages', {
      method: 'POST', headers: { Authorization: `Bearer ${hostToken}`, 'Content-Type': 'application/json' }, body: '{"senderId":',
    });
    await expectProblem(notJson, 400);
    expect({ messages: await count('chat_messages'), rooms: await count('chat_rooms'), members: await count('chat_room_members') }).toEqual(before);
  });

  it('limits the calls of one sender (429 with Retry-After)', async () => {
    const config = parseEnv({ DATABASE_URL: server.testDb.url, CHAT_JWT_SECRET: SECRET });
    const limits = createLimits({ messagesPerMinute: 0, uploadsPerMinute: 0, concurrentUploads: 3, streamsPerUser: 0, hostMessagesPerMinute: 2 });
    const app = createApp({ config, db: server.db, verify: await createVerifier(config.jwtKey, { audience: config.CHAT_JWT_AUDIENCE }), limits });
    const call = () => app.request('/api/chat/host/messages', {
      method: 'POST', headers: { Authorization: `Bearer ${hostToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ senderId: STOCKS, to: { userId: 3 }, content: 'Alerte', idempotencyKey: nextKey() }),
    });
    expect((await call()).status).toBe(201);
    expect((await call()).status).toBe(201);
    const refused = await call();
    expect((await expectProblem(refused, 429)).reason).toBe('host-messages');
    expect(Number(refused.headers.get('Retry-After'))).toBeGreaterThan(0);
    // A user's own sends are counted apart.
    const chloe = clientFor(app, await mint({ sub: '3' }));
    const rooms = await (await chloe.get('/rooms')).json();
    expect((await chloe.post(`/rooms/${rooms[0].id}/messages`, { content: 'Merci', clientId: 'c-1' })).status).toBe(201);
    limits.close();
  });
});
