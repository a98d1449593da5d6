import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import mysql from 'mysql2/promise';
import { DIALECTS, mysqlRoot, startServer, type Client, type TestServer } from './harness';

describe.each(DIALECTS)('a conversation on %s', (dialect) => {
  let server: TestServer;
  let alice: Client;
  let bruno: Client;
  beforeAll(async () => {
    server = await startServer(dialect);
    alice = await server.as(1);
    bruno = await server.as(2);
  });
  afterAll(() => server?.close());

  it('lets two users open a direct room, talk, read and search', async () => {
    const me = await (await alice.get('/me')).json();
    expect(me.user).toEqual({ id: 1, name: 'Alice Martin', email: 'alice@ipp.test', online: false });
    const open = await alice.post('/rooms', { type: 'direct', userId: 2 });
    expect(open.status).toBe(201);
    const room = await open.json();
    expect(room.name).toBe('Bruno Durand');
    const again = await bruno.post('/rooms', { type: 'direct', userId: 1 });
    expect(again.status).toBe(200);
    expect((await again.json()).id).toBe(room.id);

    const sent = await alice.post(`/rooms/${room.id}/messages`, { content: 'Bonjour Bruno, la facture 2025-0042 est prête', clientId: 'c-1' });
    expect(sent.status).toBe(201);
    const msg = await sent.json();
    expect(msg).toMatchObject({ roomId: room.id, senderId: 1, senderName: 'Alice Martin', type: 'text', clientId: 'c-1' });

    const list = await (await bruno.get('/rooms')).json();
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id: room.id, name: 'Alice Martin', unreadCount: 1, myRole: 'member', muted: false });
    expect(list[0].lastMessage.id).toBe(msg.id);

    const read = await bruno.post(`/rooms/${room.id}/read`, { messageId: msg.id });
    expect(read.status).toBe(200);
    expect((await (await bruno.get('/rooms?filter=unread')).json())).toHaveLength(0);

    const found = await (await bruno.get('/search?q=facture')).json();
    expect(found.map((m: { id: number }) => m.id)).toEqual([msg.id]);
  });

  it('finds active users by name or email, for a new conversation', async () => {
    const search = async (query: string) => (await (await alice.get(`/users${query}`)).json()) as { id: number; name: string }[];
    expect(await search('?q=BRU')).toEqual([{ id: 2, name: 'Bruno Durand', email: 'bruno@ipp.test', online: false }]);
    expect((await search('?q=david@')).map((u) => u.name)).toEqual(['david']);
    // Eve is not active: she is nobody's to find.
    expect(await search('?q=eve')).toEqual([]);
    expect((await search('')).map((u) => u.id)).toEqual([1, 2, 3, 4]);
    expect(await search('?limit=2')).toHaveLength(2);
    // LIKE wildcards in q are plain characters.
    expect(await search('?q=%25')).toEqual([]);
    expect(await search('?q=_')).toEqual([]);
    for (const bad of ['?limit=0', '?limit=101', '?limit=x']) expect((await alice.get(`/users${bad}`)).status, bad).toBe(400);
  });
});

describe('a conversation on mysql through its Unix socket', () => {
  let server: TestServer;
  beforeAll(async () => {
    const tcp = mysqlRoot();
    const root = await mysql.createConnection({ uri: tcp });
    const [[{ socket }]] = (await root.query('SELECT @@socket AS socket')) as unknown as [{ socket: string }[]];
    await root.end();
    // The same server and user, reached by the socket the server says it listens on.
    const local = new URL(tcp);
    local.hostname = 'localhost';
    local.port = '';
    local.searchParams.set('socketPath', socket);
    const given = process.env.TEST_MYSQL_URL;
    process.env.TEST_MYSQL_URL = local.toString();
    try {
      server = await startServer('mysql');
    } finally {
      if (given === undefined) delete process.env.TEST_MYSQL_URL;
      else process.env.TEST_MYSQL_URL = given;
    }
  });
  afterAll(() => server?.close());

  it('reads and writes through the socket, not TCP', async () => {
    expect(server.config.DATABASE_URL).toContain('socketPath=');
    const [{ host }] = await server.db.rows<{ host: string }>(sql`SELECT HOST AS host FROM information_schema.PROCESSLIST WHERE ID = CONNECTION_ID()`);
    expect(host).toBe('localhost');
    const alice = await server.as(1);
    const room = await (await alice.post('/rooms', { type: 'direct', userId: 2 })).json();
    expect((await alice.post(`/rooms/${room.id}/messages`, { content: 'Par le socket', clientId: 's-1' })).status).toBe(201);
    const page = await (await alice.get(`/rooms/${room.id}/messages`)).json();
    expect(page.messages.map((m: { content: string }) => m.content)).toEqual(['Par le socket']);
  });
});
