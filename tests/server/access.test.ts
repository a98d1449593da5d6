import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samples } from './fixtures/files';
import { ALL_PERMS, DIALECTS, expectProblem, startServer, type Client, type TestServer } from './harness';

/*
 * The host's permissions are the ceiling of every room role, and a room the
 * caller cannot see answers the same 404 whatever else they lack.
 */
describe.each(DIALECTS)('access on %s', (dialect) => {
  let server: TestServer;
  let alice: Client, bruno: Client, chloe: Client;
  let roomId: number;
  let chloeMessage: number;
  let brunoMessage: number;
  let attachmentPath: string;
  const without = (userId: number, ...perms: string[]) => server.as(userId, ALL_PERMS.filter((p) => !perms.includes(p)));
  const room = async () => (await (await alice.get(`/rooms/${roomId}`)).json()) as { name: string; members: { userId: number; role: string }[] };

  beforeAll(async () => {
    server = await startServer(dialect);
    [alice, bruno, chloe] = await Promise.all([1, 2, 3].map((id) => server.as(id)));
    roomId = (await (await alice.post('/rooms', { type: 'group', name: 'Direction', memberIds: [2, 3] })).json()).id;
    expect((await alice.patch(`/rooms/${roomId}/members/2`, { role: 'moderator' })).status).toBe(200);
    chloeMessage = (await (await chloe.post(`/rooms/${roomId}/messages`, { content: 'de Chloé', clientId: 'a-1' })).json()).id;
    brunoMessage = (await (await bruno.post(`/rooms/${roomId}/messages`, { content: 'de Bruno', clientId: 'a-2' })).json()).id;
    const form = new FormData();
    form.set('clientId', 'a-3');
    form.append('files', new Blob([Buffer.from((await samples()).pdf)]), 'budget.pdf');
    const withFile = await (await alice.request('POST', `/rooms/${roomId}/messages`, undefined, {}, form)).json();
    attachmentPath = withFile.attachments[0].url.replace('/api/chat', '');
  });
  afterAll(() => server?.close());

  describe('a room role never grants what the token lacks', () => {
    it('a moderator without chat.manage_rooms neither renames the room nor manages its members', async () => {
      const moderator = await without(2, 'chat.manage_rooms');
      await expectProblem(await moderator.patch(`/rooms/${roomId}`, { name: 'Renommé' }), 403);
      await expectProblem(await moderator.post(`/rooms/${roomId}/members`, { userId: 4 }), 403);
      await expectProblem(await moderator.delete(`/rooms/${roomId}/members/3`), 403);
      const now = await room();
      expect(now.name).toBe('Direction');
      expect(now.members.map((m) => m.userId)).toEqual([1, 2, 3]);
    });

    it('an admin without chat.manage_rooms neither changes roles nor deletes the room', async () => {
      const admin = await without(1, 'chat.manage_rooms');
      await expectProblem(await admin.patch(`/rooms/${roomId}/members/3`, { role: 'moderator' }), 403);
      await expectProblem(await admin.delete(`/rooms/${roomId}`), 403);
      expect((await room()).members.find((m) => m.userId === 3)?.role).toBe('member');
    });

    it('a moderator without chat.delete deletes no message, not even their own', async () => {
      const moderator = await without(2, 'chat.delete');
      await expectProblem(await moderator.delete(`/messages/${chloeMessage}`), 403);
      await expectProblem(await moderator.delete(`/messages/${brunoMessage}`), 403);
      const page = await (await alice.get(`/rooms/${roomId}/messages`)).json();
      expect(page.messages.filter((m: { deletedAt: string | null }) => m.deletedAt)).toEqual([]);
    });

    it('leaving takes no permission', async () => {
      const other = (await (await alice.post('/rooms', { type: 'group', name: 'Passage', memberIds: [3] })).json()).id;
      expect((await (await without(3, 'chat.manage_rooms', 'chat.create', 'chat.delete')).delete(`/rooms/${other}/members/3`)).status).toBe(204);
    });
  });

  describe('a room the caller cannot see is 404, whatever they lack', () => {
    const cases: [string, string[], (c: Client, room: number) => Promise<Response>][] = [
      ['read its room without chat.read', ['chat.read'], (c, r) => c.get(`/rooms/${r}`)],
      ['read its messages without chat.read', ['chat.read'], (c, r) => c.get(`/rooms/${r}/messages`)],
      ['search it without chat.read', ['chat.read'], (c, r) => c.get(`/search?q=Chloé&roomId=${r}`)],
      ['send without chat.create', ['chat.create'], (c, r) => c.post(`/rooms/${r}/messages`, { content: 'x', clientId: crypto.randomUUID() })],
      ['signal typing without chat.create', ['chat.create'], (c, r) => c.post(`/rooms/${r}/typing`)],
      ['rename without chat.manage_rooms', ['chat.manage_rooms'], (c, r) => c.patch(`/rooms/${r}`, { name: 'x' })],
      ['add a member without chat.manage_rooms', ['chat.manage_rooms'], (c, r) => c.post(`/rooms/${r}/members`, { userId: 4 })],
      ['delete the room without chat.manage_rooms', ['chat.manage_rooms'], (c, r) => c.delete(`/rooms/${r}`)],
    ];
    it.each(cases)('%s', async (_, lacking, call) => {
      const david = await without(4, ...lacking);
      const seen = await expectProblem(await call(david, roomId), 404);
      const none = await expectProblem(await call(david, 999_999), 404);
      expect(seen).toEqual(none);
      // The same request from a member lacking the permission is a 403.
      await expectProblem(await call(await without(3, ...lacking), roomId), 403);
    });

    it('edit or delete one of its messages, or download its file, without the permission', async () => {
      const noUpdate = await without(4, 'chat.update');
      expect(await expectProblem(await noUpdate.patch(`/messages/${chloeMessage}`, { content: 'x' }), 404))
        .toEqual(await expectProblem(await noUpdate.patch('/messages/999999', { content: 'x' }), 404));
      const noDelete = await without(4, 'chat.delete');
      expect(await expectProblem(await noDelete.delete(`/messages/${chloeMessage}`), 404))
        .toEqual(await expectProblem(await noDelete.delete('/messages/999999'), 404));
      const noRead = await without(4, 'chat.read');
      expect(await expectProblem(await noRead.get(attachmentPath), 404)).toEqual(await expectProblem(await noRead.get('/attachments/999999'), 404));
      await expectProblem(await (await without(3, 'chat.read')).get(attachmentPath), 403);
    });
  });

  describe("a host record's room", () => {
    const context = (id: string) => ({ type: 'group', name: `Facture ${id}`, memberIds: [], context: { type: 'invoice', id, label: `Facture ${id}` } });

    it('answers the same 404 to someone who may not create it, whether it exists or not', async () => {
      expect((await alice.post('/rooms', { ...context('2025-0042'), memberIds: [2] })).status).toBe(201);
      const nicolas = await without(3, 'chat.manage_rooms');
      const existing = await expectProblem(await nicolas.post('/rooms', context('2025-0042')), 404);
      const absent = await expectProblem(await nicolas.post('/rooms', context('2025-0099')), 404);
      expect(existing).toEqual(absent);
      // Nothing was created for the absent record: Alice, who may, creates it now.
      expect((await alice.post('/rooms', context('2025-0099'))).status).toBe(201);
      expect((await nicolas.post('/rooms', context('2025-0099'))).status).toBe(404);
    });
  });
});

describe.each(DIALECTS)('a token without chat.read on %s', (dialect) => {
  let server: TestServer;
  beforeAll(async () => { server = await startServer(dialect); });
  afterAll(() => server?.close());

  it('gets nothing from any route of the API but /me', async () => {
    const alice = await server.as(1);
    const roomId = (await (await alice.post('/rooms', { type: 'group', name: 'Lecture', memberIds: [] })).json()).id;
    const messageId = (await (await alice.post(`/rooms/${roomId}/messages`, { content: 'secret', clientId: 'r-1' })).json()).id;
    const noRead = await server.as(1, ALL_PERMS.filter((p) => p !== 'chat.read'));
    const doc = await (await server.app.request('/api/chat/openapi.json')).json();
    // The API's routes (/ipp-chat.js and /metrics are not the chat's).
    const calls = Object.entries(doc.paths as Record<string, Record<string, unknown>>).filter(([path]) => path.startsWith('/api/chat/')).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => [method.toUpperCase(), path.replace('/api/chat', '')] as const));
    const open = ['/me', '/health', '/openapi.json'];
    // Bodies that would be accepted from a reader: only the missing chat.read may refuse them.
    const bodies: Record<string, unknown> = {
      'POST /rooms': { type: 'direct', userId: 2 },
      'POST /rooms/{id}/messages': { content: 'sans lecture', clientId: 'no-read-1' },
      'PATCH /rooms/{id}': { name: 'Renommée' },
      'POST /rooms/{id}/members': { userId: 2 },
      'PATCH /rooms/{id}/members/{userId}': { role: 'admin' },
      'PATCH /rooms/{id}/me': { muted: true },
      'POST /rooms/{id}/read': { messageId },
      'PATCH /messages/{id}': { content: 'modifié' },
    };
    let tried = 0;
    for (const [method, template] of calls) {
      if (open.includes(template)) continue;
      const path = template.replace('{id}', String(template.startsWith('/messages') ? messageId : roomId)).replace('{userId}', '1')
        .replace(/\{[^}]+\}/g, '1');
      const body = bodies[`${method} ${template}`] ?? (method === 'GET' || method === 'DELETE' ? undefined : {});
      const res = await noRead.request(method, `${path}${path === '/search' ? '?q=secret' : ''}`, body);
      expect(res.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(await res.text()).not.toContain('secret');
      tried++;
    }
    expect(tried).toBeGreaterThan(15);
    // Nothing changed either.
    const room = await (await alice.get(`/rooms/${roomId}`)).json();
    expect([room.name, room.muted, room.members.length]).toEqual(['Lecture', false, 1]);
    expect((await (await alice.get(`/rooms/${roomId}/messages`)).json()).messages.filter((m: { type: string }) => m.type !== 'system').map((m: { content: string }) => m.content)).toEqual(['secret']);
    expect(await (await alice.get('/rooms')).json()).toHaveLength(1);
  });
});
