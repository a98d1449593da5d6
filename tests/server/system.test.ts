import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, expectProblem, startServer, type Client, type TestServer } from './harness';
import { openEvents } from './sse-client';

/*
 * The timeline tells what happened to the room: creations, renames, people
 * added, removed or leaving, as system messages written with the change.
 */
describe.each(DIALECTS)('system messages on %s', (dialect) => {
  let server: TestServer;
  let alice: Client, bruno: Client, chloe: Client;
  beforeAll(async () => {
    server = await startServer(dialect);
    [alice, bruno, chloe] = await Promise.all([1, 2, 3].map((id) => server.as(id)));
  });
  afterAll(() => server?.close());

  const timeline = async (client: Client, roomId: number) =>
    ((await (await client.get(`/rooms/${roomId}/messages`)).json()).messages as { type: string; content: string; senderId: number; system?: Record<string, unknown> }[])
      .map((m) => (m.type === 'system' ? m.system : m.content));

  it('tell the creation, a rename, an addition, a removal and a departure, in order, the same after a reload', async () => {
    const room = (await (await alice.post('/rooms', { type: 'group', name: 'Transit', memberIds: [2] })).json()).id;
    await alice.post(`/rooms/${room}/messages`, { content: 'Bienvenue', clientId: 's-1' });
    expect((await alice.patch(`/rooms/${room}`, { name: 'Transit Asie' })).status).toBe(200);
    expect((await alice.post(`/rooms/${room}/members`, { userId: 3 })).status).toBe(201);
    expect((await alice.delete(`/rooms/${room}/members/2`)).status).toBe(204);
    expect((await chloe.delete(`/rooms/${room}/members/3`)).status).toBe(204);
    const expected = [
      { action: 'room.created', actorId: 1, name: 'Transit' },
      'Bienvenue',
      { action: 'room.renamed', actorId: 1, name: 'Transit Asie' },
      { action: 'member.added', actorId: 1, userId: 3, userName: 'Chloé Bernard' },
      { action: 'member.removed', actorId: 1, userId: 2, userName: 'Bruno Durand' },
      { action: 'member.left', actorId: 3, userId: 3, userName: 'Chloé Bernard' },
    ];
    expect(await timeline(alice, room)).toEqual(expected);
    // The same, read again: nothing is made up when shown.
    expect(await timeline(alice, room)).toEqual(expected);
  });

  it('reach the members live, count as unread for nobody and are never found by search', async () => {
    const room = (await (await alice.post('/rooms', { type: 'group', name: 'Quai 4', memberIds: [2] })).json()).id;
    const feed = await openEvents('http://in-process/api/chat', bruno.token, { fetch: (url, init) => server.app.request(url, init) });
    try {
      await alice.post(`/rooms/${room}/members`, { userId: 3 });
      const line = await feed.waitFor((e) => e.event === 'message.created' && e.json.roomId === room);
      expect(line.json).toMatchObject({ type: 'system', content: '', senderId: 1, senderName: 'Alice Martin', system: { action: 'member.added', userId: 3 } });
    } finally {
      feed.close();
    }
    const rooms = (await (await bruno.get('/rooms')).json()) as { id: number; unreadCount: number }[];
    expect(rooms.find((r) => r.id === room)!.unreadCount).toBe(0);
    expect(await (await bruno.get('/search?q=quai')).json()).toEqual([]);
    expect(await (await bruno.get('/search?q=added')).json()).toEqual([]);
  });

  it('cannot be edited, deleted or replied to', async () => {
    const room = (await (await alice.post('/rooms', { type: 'group', name: 'Figé', memberIds: [2] })).json()).id;
    const [line] = (await (await alice.get(`/rooms/${room}/messages`)).json()).messages;
    expect(line.type).toBe('system');
    expect(await expectProblem(await alice.patch(`/messages/${line.id}`, { content: 'réécrit' }), 409)).toMatchObject({ reason: 'system-message' });
    expect(await expectProblem(await alice.delete(`/messages/${line.id}`), 409)).toMatchObject({ reason: 'system-message' });
    await expectProblem(await alice.post(`/rooms/${room}/messages`, { content: 'en réponse', clientId: 's-9', replyToId: line.id }), 400);
    expect(await timeline(alice, room)).toEqual([{ action: 'room.created', actorId: 1, name: 'Figé' }]);
  });

  it('tell a channel joined by its newcomer', async () => {
    const channel = (await (await alice.post('/rooms', { type: 'channel', name: 'Annonces', memberIds: [] })).json()).id;
    expect((await chloe.post(`/rooms/${channel}/join`)).status).toBe(200);
    expect((await timeline(chloe, channel)).at(-1)).toEqual({ action: 'member.added', actorId: 3, userId: 3, userName: 'Chloé Bernard' });
  });
});
