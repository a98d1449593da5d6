import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, expectProblem, startServer, type Client, type TestServer } from './harness';
import type { RoomView as Room } from '../../server/services/views';


const ids = (rooms: Room[]) => rooms.map((r) => r.id);
/** The room ids of a list, kept to those a test made (other tests of the file share the database). */
const only = (rooms: Room[], mine: number[]) => ids(rooms).filter((id) => mine.includes(id));

describe.each(DIALECTS)('rooms on %s', (dialect) => {
  let server: TestServer;
  let alice: Client, bruno: Client, chloe: Client, david: Client;
  const list = async (c: Client, query = '') => (await (await c.get(`/rooms${query}`)).json()) as Room[];
  const create = async (c: Client, body: unknown) => {
    const res = await c.post('/rooms', body);
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as Room;
  };
  const send = async (c: Client, roomId: number, content: string) => {
    const res = await c.post(`/rooms/${roomId}/messages`, { content, clientId: `m-${Math.random().toString(36).slice(2)}` });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: number };
  };
  const openDirect = async (c: Client, userId: number) => {
    const res = await c.post('/rooms', { type: 'direct', userId });
    expect([200, 201]).toContain(res.status);
    return (await res.json()) as Room;
  };
  /** Makes a room look created some hours ago, so activity order does not depend on the clock's second. */
  const age = (roomId: number, hours: number) => server.testDb.exec(
    dialect === 'mysql'
      ? 'UPDATE chat_rooms SET created_at = UTC_TIMESTAMP() - INTERVAL ? HOUR WHERE id = ?'
      : "UPDATE chat_rooms SET created_at = datetime('now', '-' || ? || ' hours') WHERE id = ?",
    [hours, roomId],
  );

  beforeAll(async () => {
    server = await startServer(dialect);
    [alice, bruno, chloe, david] = await Promise.all([1, 2, 3, 4].map((id) => server.as(id)));
  });
  afterAll(() => server?.close());

  describe('direct conversations', () => {
    it('are created once per pair and found again from either side', async () => {
      const res = await alice.post('/rooms', { type: 'direct', userId: 2 });
      expect(res.status).toBe(201);
      const room = await res.json();
      expect(room).toMatchObject({ type: 'direct', name: 'Bruno Durand', createdBy: 1, myRole: 'member', unreadCount: 0, muted: false, lastMessage: null });
      expect(room.members.map((m: { userId: number; role: string }) => [m.userId, m.role]).sort()).toEqual([[1, 'member'], [2, 'member']]);

      const again = await alice.post('/rooms', { type: 'direct', userId: 2 });
      expect(again.status).toBe(200);
      expect((await again.json()).id).toBe(room.id);
      const fromBruno = await bruno.post('/rooms', { type: 'direct', userId: 1 });
      expect(fromBruno.status).toBe(200);
      expect(await fromBruno.json()).toMatchObject({ id: room.id, name: 'Alice Martin' });
      expect(only(await list(alice, '?filter=direct'), [room.id])).toEqual([room.id]);
      expect((await list(alice, '?filter=direct')).filter((r) => r.name === 'Bruno Durand')).toHaveLength(1);
    });

    it('cannot be opened with oneself, an unknown or an inactive user', async () => {
      const before = ids(await list(alice));
      await expectProblem(await alice.post('/rooms', { type: 'direct', userId: 1 }), 400);
      await expectProblem(await alice.post('/rooms', { type: 'direct', userId: 999 }), 404);
      await expectProblem(await alice.post('/rooms', { type: 'direct', userId: 5 }), 404);
      await expectProblem(await alice.post('/rooms', { type: 'direct', userId: '2' }), 400);
      await expectProblem(await alice.post('/rooms', { type: 'direct' }), 400);
      expect(ids(await list(alice))).toEqual(before);
    });

    it('are opened once when ten requests race for the same pair', async () => {
      const responses = await Promise.all(Array.from({ length: 10 }, (_, i) =>
        i % 2 ? chloe.post('/rooms', { type: 'direct', userId: 4 }) : david.post('/rooms', { type: 'direct', userId: 3 })));
      const statuses = responses.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
      const roomIds = new Set(await Promise.all(responses.map(async (r) => (await r.json()).id)));
      expect(roomIds.size).toBe(1);
      expect((await list(chloe, '?filter=direct')).filter((r) => r.name === 'david')).toHaveLength(1);
      const [room] = await list(david, '?filter=direct');
      expect((await (await david.get(`/rooms/${room.id}`)).json()).members).toHaveLength(2);
    });
  });

  describe('groups and channels', () => {
    it('are created with the creator as admin and the given members', async () => {
      const group = await create(alice, { type: 'group', name: '  Compta  ', memberIds: [2, 3, 2, 1] });
      expect(group).toMatchObject({ type: 'group', name: 'Compta', createdBy: 1, myRole: 'admin', unreadCount: 0, muted: false });
      expect(group.members!.map((m) => [m.userId, m.name, m.role])).toEqual([
        [1, 'Alice Martin', 'admin'], [2, 'Bruno Durand', 'member'], [3, 'Chloé Bernard', 'member'],
      ]);
      expect((await (await bruno.get(`/rooms/${group.id}`)).json()).myRole).toBe('member');

      const channel = await create(bruno, { type: 'channel', name: 'Annonces' });
      expect(channel).toMatchObject({ type: 'channel', name: 'Annonces', createdBy: 2, myRole: 'admin' });
      expect(channel.members!.map((m) => m.userId)).toEqual([2]);
    });

    it('are not created with unknown or inactive members, or without a name', async () => {
      const before = ids(await list(alice));
      await expectProblem(await alice.post('/rooms', { type: 'group', name: 'Fantômes', memberIds: [2, 999] }), 400);
      await expectProblem(await alice.post('/rooms', { type: 'group', name: 'Fantômes', memberIds: [5] }), 400);
      await expectProblem(await alice.post('/rooms', { type: 'channel', name: '   ' }), 400);
      await expectProblem(await alice.post('/rooms', { type: 'group', name: 'x'.repeat(201) }), 400);
      await expectProblem(await alice.post('/rooms', { type: 'salon', name: 'Fantômes' }), 400);
      expect(ids(await list(alice))).toEqual(before);
      expect((await list(bruno)).some((r) => r.name === 'Fantômes')).toBe(false);
      const channels = (await (await alice.get('/channels')).json()) as Room[];
      expect(channels.some((r) => r.name?.trim() === '')).toBe(false);
    });
  });

  describe('my list of rooms', () => {
    it('puts the most recent activity first, with last message, unread count, mute and role', async () => {
      const old = await create(alice, { type: 'group', name: 'Ancien', memberIds: [2] });
      const middle = await create(alice, { type: 'group', name: 'Milieu', memberIds: [2] });
      const recent = await create(alice, { type: 'channel', name: 'Récent', memberIds: [2] });
      await age(old.id, 3);
      await age(middle.id, 2);
      await age(recent.id, 1);
      const mine = [old.id, middle.id, recent.id];
      expect(only(await list(alice), mine)).toEqual([recent.id, middle.id, old.id]);

      const m1 = await send(bruno, old.id, 'Relance du dossier');
      const m2 = await send(bruno, old.id, 'Toujours en attente');
      const rooms = await list(alice);
      expect(only(rooms, mine)).toEqual([old.id, recent.id, middle.id]);
      expect(rooms.find((r) => r.id === old.id)).toMatchObject({
        unreadCount: 2, muted: false, myRole: 'admin', lastMessage: { id: m2.id, content: 'Toujours en attente' },
      });
      // A room with no message yet shows how it began, which counts as unread for nobody.
      expect(rooms.find((r) => r.id === middle.id)).toMatchObject({ unreadCount: 0, lastMessage: { type: 'system', content: '', system: { action: 'room.created', actorId: 1 } } });
      // The sender has read their own messages.
      expect((await list(bruno)).find((r) => r.id === old.id)).toMatchObject({ unreadCount: 0, myRole: 'member' });

      await alice.post(`/rooms/${old.id}/read`, { messageId: m1.id });
      expect((await list(alice)).find((r) => r.id === old.id)!.unreadCount).toBe(1);
    });

    it('keeps that order when everything happens within the same second', async () => {
      const a = await create(chloe, { type: 'group', name: 'Vite A', memberIds: [4] });
      const b = await create(chloe, { type: 'group', name: 'Vite B', memberIds: [4] });
      const c = await create(chloe, { type: 'group', name: 'Vite C', memberIds: [4] });
      const mine = [a.id, b.id, c.id];
      expect(only(await list(chloe), mine)).toEqual([c.id, b.id, a.id]);
      await send(david, a.id, 'Un');
      expect(only(await list(chloe), mine)).toEqual([a.id, c.id, b.id]);
      await send(david, b.id, 'Deux');
      await send(david, c.id, 'Trois');
      await send(david, a.id, 'Quatre');
      expect(only(await list(chloe), mine)).toEqual([a.id, c.id, b.id]);
      expect(only(await list(david), mine)).toEqual([a.id, c.id, b.id]);
    });

    it('filters unread, groups, direct conversations and by name', async () => {
      const direct = await openDirect(david, 1);
      const group = await create(david, { type: 'group', name: 'Logistique Nord', memberIds: [3] });
      const channel = await create(david, { type: 'channel', name: 'Entrepôt' });
      const mine = [direct.id, group.id, channel.id];
      await send(alice, direct.id, 'Bonjour David');

      expect(only(await list(david), mine).sort()).toEqual([...mine].sort());
      expect(only(await list(david, '?filter=all'), mine).sort()).toEqual([...mine].sort());
      expect(only(await list(david, '?filter=unread'), mine)).toEqual([direct.id]);
      expect((await list(david, '?filter=unread')).every((r) => r.unreadCount > 0)).toBe(true);
      expect(only(await list(david, '?filter=direct'), mine)).toEqual([direct.id]);
      expect((await list(david, '?filter=direct')).every((r) => r.type === 'direct')).toBe(true);
      expect(only(await list(david, '?filter=group'), mine).sort()).toEqual([group.id, channel.id].sort());
      expect((await list(david, '?filter=group')).every((r) => r.type !== 'direct')).toBe(true);

      expect(ids(await list(david, '?q=logistique'))).toEqual([group.id]);
      expect(ids(await list(david, `?q=${encodeURIComponent('ENTREPÔT')}`))).toEqual([channel.id]);
      // A direct conversation is found by the other person's name.
      expect(ids(await list(david, '?q=alice'))).toEqual([direct.id]);
      expect(await list(david, '?q=introuvable')).toEqual([]);
      await expectProblem(await david.get('/rooms?filter=archived'), 400);
    });
  });

  describe('one room', () => {
    it('shows its members with their names and roles', async () => {
      const group = await create(alice, { type: 'group', name: 'Achats', memberIds: [4] });
      const room = await (await david.get(`/rooms/${group.id}`)).json();
      expect(room).toMatchObject({ id: group.id, type: 'group', name: 'Achats', myRole: 'member' });
      expect(room.members).toEqual([
        // Alice has read the system message of her own creation.
        expect.objectContaining({ userId: 1, name: 'Alice Martin', role: 'admin', muted: false, lastReadMessageId: expect.any(Number) }),
        expect.objectContaining({ userId: 4, name: 'david', role: 'member', muted: false, lastReadMessageId: null }),
      ]);
      expect(room.members[0].joinedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    });

    it('is renamed by its admins and moderators, not by a plain member, and never when direct', async () => {
      const group = await create(alice, { type: 'group', name: 'Ventes', memberIds: [2, 3] });
      expect((await alice.patch(`/rooms/${group.id}/members/3`, { role: 'moderator' })).status).toBe(200);

      const byAdmin = await alice.patch(`/rooms/${group.id}`, { name: 'Ventes 2026' });
      expect(byAdmin.status).toBe(200);
      expect((await byAdmin.json()).name).toBe('Ventes 2026');
      const byModerator = await chloe.patch(`/rooms/${group.id}`, { name: 'Ventes export' });
      expect(byModerator.status).toBe(200);
      await expectProblem(await bruno.patch(`/rooms/${group.id}`, { name: 'Pirate' }), 403);
      await expectProblem(await alice.patch(`/rooms/${group.id}`, { name: ' ' }), 400);
      await expectProblem(await alice.patch(`/rooms/${group.id}`, { title: 'Autre' }), 400);
      expect((await (await bruno.get(`/rooms/${group.id}`)).json()).name).toBe('Ventes export');

      const direct = await openDirect(alice, 2);
      await expectProblem(await alice.patch(`/rooms/${direct.id}`, { name: 'Nous deux' }), 409);
      expect((await (await alice.get(`/rooms/${direct.id}`)).json()).name).toBe('Bruno Durand');
    });

    it('is deleted by an admin only, and is then gone for everyone', async () => {
      const group = await create(alice, { type: 'group', name: 'Éphémère', memberIds: [2, 3] });
      await send(bruno, group.id, 'Un message qui disparaîtra');
      await alice.patch(`/rooms/${group.id}/members/3`, { role: 'moderator' });
      await expectProblem(await chloe.delete(`/rooms/${group.id}`), 403);
      await expectProblem(await bruno.delete(`/rooms/${group.id}`), 403);
      expect((await bruno.get(`/rooms/${group.id}`)).status).toBe(200);

      const res = await alice.delete(`/rooms/${group.id}`);
      expect(res.status).toBe(204);
      for (const c of [alice, bruno, chloe]) {
        await expectProblem(await c.get(`/rooms/${group.id}`), 404);
        await expectProblem(await c.get(`/rooms/${group.id}/messages`), 404);
        expect(ids(await list(c))).not.toContain(group.id);
      }
      await expectProblem(await alice.delete(`/rooms/${group.id}`), 404);
      expect(await server.testDb.exec('SELECT id FROM chat_messages WHERE room_id = ?', [group.id])).toEqual([]);
    });
  });

  describe('public channels', () => {
    it('answer a join as GET /rooms/:id answers it: read through the arrival, nothing unread, with who was seen when', async () => {
      const channel = await create(alice, { type: 'channel', name: 'Avis de passage', memberIds: [2] });
      // A history before David comes: a message naming him, and Bruno seen a while ago.
      expect((await alice.post(`/rooms/${channel.id}/messages`, { content: 'Bienvenue <@4> bientôt', clientId: 'join-1' })).status).toBe(201);
      expect((await bruno.post(`/rooms/${channel.id}/messages`, { content: 'Bonjour à tous', clientId: 'join-2' })).status).toBe(201);
      await server.testDb.exec("INSERT INTO chat_presence (user_id, last_seen_at) VALUES (2, '2026-01-02 03:04:05')");
      try {
        const joined = await david.post(`/rooms/${channel.id}/join`);
        expect(joined.status).toBe(200);
        const view = await joined.json();
        expect(view).toMatchObject({
          unreadCount: 0, mentionCount: 0, memberCount: 3, myRole: 'member',
          lastMessage: { type: 'system', senderId: 4, system: { action: 'member.added', userId: 4 } },
        });
        expect(view.lastReadMessageId).toBe(view.lastMessage.id);
        expect(view.members.find((m: { userId: number }) => m.userId === 2).lastSeenAt).toBe('2026-01-02T03:04:05.000Z');
        expect(view).toEqual(await (await david.get(`/rooms/${channel.id}`)).json());
      } finally {
        await server.testDb.exec('DELETE FROM chat_presence WHERE user_id = 2');
      }
    });

    it('are listed for everyone and joined; a group or direct room cannot be joined', async () => {
      const channel = await create(alice, { type: 'channel', name: 'Nouvelles du jour' });
      const group = await create(alice, { type: 'group', name: 'Secret défense', memberIds: [2] });
      const direct = await openDirect(alice, 2);

      const channels = (await (await chloe.get('/channels')).json()) as Room[];
      expect(channels.every((r) => r.type === 'channel')).toBe(true);
      expect(channels.find((r) => r.id === channel.id)).toMatchObject({ name: 'Nouvelles du jour', myRole: null });
      expect(ids(channels)).not.toContain(group.id);
      await expectProblem(await chloe.get(`/rooms/${channel.id}`), 404);

      const joined = await chloe.post(`/rooms/${channel.id}/join`);
      expect(joined.status).toBe(200);
      expect(await joined.json()).toMatchObject({ id: channel.id, myRole: 'member' });
      expect(ids(await list(chloe))).toContain(channel.id);
      expect((await (await chloe.get('/channels')).json()).find((r: Room) => r.id === channel.id).myRole).toBe('member');
      // Joining again changes nothing.
      expect((await chloe.post(`/rooms/${channel.id}/join`)).status).toBe(200);
      expect((await (await alice.get(`/rooms/${channel.id}`)).json()).members.map((m: { userId: number }) => m.userId)).toEqual([1, 3]);

      const missing = await expectProblem(await chloe.post('/rooms/987654321/join'), 404);
      expect(await expectProblem(await chloe.post(`/rooms/${group.id}/join`), 404)).toEqual(missing);
      expect(await expectProblem(await chloe.post(`/rooms/${direct.id}/join`), 404)).toEqual(missing);
      expect(ids(await list(chloe))).not.toContain(group.id);
      expect(ids(await list(chloe))).not.toContain(direct.id);
    });
  });

  it('mutes and unmutes a room for me only', async () => {
    const group = await create(alice, { type: 'group', name: 'Bruyant', memberIds: [2] });
    const muted = await bruno.patch(`/rooms/${group.id}/me`, { muted: true });
    expect(muted.status).toBe(200);
    expect(await muted.json()).toMatchObject({ userId: 2, muted: true });
    expect((await list(bruno)).find((r) => r.id === group.id)!.muted).toBe(true);
    expect((await list(alice)).find((r) => r.id === group.id)!.muted).toBe(false);
    await expectProblem(await bruno.patch(`/rooms/${group.id}/me`, { muted: 'yes' }), 400);
    expect((await list(bruno)).find((r) => r.id === group.id)!.muted).toBe(true);
    await bruno.patch(`/rooms/${group.id}/me`, { muted: false });
    expect((await list(bruno)).find((r) => r.id === group.id)!.muted).toBe(false);
  });

  it('answers a non-member 404, exactly as for a room that does not exist', async () => {
    const group = await create(alice, { type: 'group', name: 'Direction', memberIds: [2] });
    const message = await send(alice, group.id, 'Confidentiel');
    const direct = await openDirect(alice, 2);
    const missing = 987654321;
    const requests: [string, string, unknown?][] = [
      ['GET', '/rooms/:id'],
      ['PATCH', '/rooms/:id', { name: 'Pris' }],
      ['DELETE', '/rooms/:id'],
      ['GET', '/rooms/:id/messages'],
      ['POST', '/rooms/:id/messages', { content: 'Intrus', clientId: 'intrus-1' }],
      ['POST', '/rooms/:id/members', { userId: 3 }],
      ['PATCH', '/rooms/:id/members/2', { role: 'admin' }],
      ['DELETE', '/rooms/:id/members/2'],
      ['POST', '/rooms/:id/read', { messageId: message.id }],
      ['PATCH', '/rooms/:id/me', { muted: true }],
      ['GET', '/search?q=confidentiel&roomId=:id'],
    ];
    for (const [method, path, body] of requests) {
      const expected = await expectProblem(await chloe.request(method, path.replace(':id', String(missing)), body), 404);
      for (const roomId of [group.id, direct.id]) {
        const res = await chloe.request(method, path.replace(':id', String(roomId)), body);
        expect(await expectProblem(res, 404), `${method} ${path} on room ${roomId}`).toEqual(expected);
      }
    }
    for (const [method, body] of [['PATCH', { content: 'Réécrit' }], ['DELETE', undefined]] as const) {
      const expected = await expectProblem(await chloe.request(method, `/messages/${missing}`, body), 404);
      expect(await expectProblem(await chloe.request(method, `/messages/${message.id}`, body), 404), `${method} a message`).toEqual(expected);
    }
    const room = await (await alice.get(`/rooms/${group.id}`)).json();
    expect(room.name).toBe('Direction');
    expect(room.members.map((m: { userId: number; role: string }) => [m.userId, m.role])).toEqual([[1, 'admin'], [2, 'member']]);
    const page = await (await alice.get(`/rooms/${group.id}/messages`)).json();
    expect(page.messages.filter((m: { type: string }) => m.type !== 'system').map((m: { content: string }) => m.content)).toEqual(['Confidentiel']);
    expect((await (await chloe.get('/search?q=confidentiel')).json())).toEqual([]);
  });
});
