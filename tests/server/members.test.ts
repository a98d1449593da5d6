import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, expectProblem, startServer, type Client, type TestServer } from './harness';
import type { MemberView as Member } from '../../server/services/views';


describe.each(DIALECTS)('members on %s', (dialect) => {
  let server: TestServer;
  let alice: Client, bruno: Client, chloe: Client, david: Client;

  /** A group made by Alice (its admin) with these members. */
  const group = async (memberIds: number[], name = 'Équipe') => {
    const res = await alice.post('/rooms', { type: 'group', name, memberIds });
    expect(res.status).toBe(201);
    return ((await res.json()) as { id: number }).id;
  };
  /** The room's members as [userId, role] pairs, seen by Alice. */
  const roles = async (roomId: number, viewer = alice) => {
    const res = await viewer.get(`/rooms/${roomId}`);
    expect(res.status).toBe(200);
    return ((await res.json()).members as Member[]).map((m) => [m.userId, m.role]);
  };
  const setRole = async (roomId: number, userId: number, role: string) =>
    expect((await alice.patch(`/rooms/${roomId}/members/${userId}`, { role })).status).toBe(200);

  beforeAll(async () => {
    server = await startServer(dialect);
    [alice, bruno, chloe, david] = await Promise.all([1, 2, 3, 4].map((id) => server.as(id)));
  });
  afterAll(() => server?.close());

  describe('adding a member', () => {
    it('is done by admins and moderators, not by plain members', async () => {
      const room = await group([2, 3]);
      const added = await alice.post(`/rooms/${room}/members`, { userId: 4 });
      expect(added.status).toBe(201);
      expect(await added.json()).toMatchObject({ userId: 4, name: 'david', role: 'member', muted: false, lastReadMessageId: null });
      expect((await david.get(`/rooms/${room}`)).status).toBe(200);

      const other = await group([2, 3], 'Autre');
      await setRole(other, 2, 'moderator');
      expect((await bruno.post(`/rooms/${other}/members`, { userId: 4 })).status).toBe(201);
      await expectProblem(await chloe.post(`/rooms/${other}/members`, { userId: 4 }), 403);
      expect(await roles(other)).toEqual([[1, 'admin'], [2, 'moderator'], [3, 'member'], [4, 'member']]);
    });

    it('with a role is for admins only', async () => {
      const room = await group([2]);
      await setRole(room, 2, 'moderator');
      await expectProblem(await bruno.post(`/rooms/${room}/members`, { userId: 3, role: 'moderator' }), 403);
      await expectProblem(await bruno.post(`/rooms/${room}/members`, { userId: 3, role: 'admin' }), 403);
      expect(await roles(room)).toEqual([[1, 'admin'], [2, 'moderator']]);
      const res = await alice.post(`/rooms/${room}/members`, { userId: 3, role: 'moderator' });
      expect(res.status).toBe(201);
      expect((await res.json()).role).toBe('moderator');
      await expectProblem(await alice.post(`/rooms/${room}/members`, { userId: 4, role: 'owner' }), 400);
    });

    it('refuses a member twice, a direct conversation, and inactive or unknown users', async () => {
      const room = await group([2]);
      await expectProblem(await alice.post(`/rooms/${room}/members`, { userId: 2 }), 409);
      await expectProblem(await alice.post(`/rooms/${room}/members`, { userId: 1 }), 409);
      await expectProblem(await alice.post(`/rooms/${room}/members`, { userId: 5 }), 404);
      await expectProblem(await alice.post(`/rooms/${room}/members`, { userId: 999 }), 404);
      await expectProblem(await alice.post(`/rooms/${room}/members`, { userId: 'bruno' }), 400);
      expect(await roles(room)).toEqual([[1, 'admin'], [2, 'member']]);

      const direct = (await (await alice.post('/rooms', { type: 'direct', userId: 2 })).json()).id;
      await expectProblem(await alice.post(`/rooms/${direct}/members`, { userId: 3 }), 409);
      expect((await roles(direct)).length).toBe(2);
      await expectProblem(await chloe.get(`/rooms/${direct}`), 404);
    });
  });

  describe('changing a role', () => {
    it('is done by admins only', async () => {
      const room = await group([2, 3]);
      const res = await alice.patch(`/rooms/${room}/members/2`, { role: 'moderator' });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ userId: 2, name: 'Bruno Durand', role: 'moderator' });
      await expectProblem(await bruno.patch(`/rooms/${room}/members/3`, { role: 'moderator' }), 403);
      await expectProblem(await chloe.patch(`/rooms/${room}/members/3`, { role: 'admin' }), 403);
      await expectProblem(await alice.patch(`/rooms/${room}/members/4`, { role: 'moderator' }), 404);
      await expectProblem(await alice.patch(`/rooms/${room}/members/3`, { role: 'boss' }), 400);
      expect(await roles(room)).toEqual([[1, 'admin'], [2, 'moderator'], [3, 'member']]);

      await setRole(room, 3, 'admin');
      // A second admin can change roles, the first one's included.
      expect((await chloe.patch(`/rooms/${room}/members/1`, { role: 'member' })).status).toBe(200);
      expect(await roles(room, chloe)).toEqual([[1, 'member'], [2, 'moderator'], [3, 'admin']]);
    });

    it('never leaves a room without an admin', async () => {
      const room = await group([2]);
      await expectProblem(await alice.patch(`/rooms/${room}/members/1`, { role: 'member' }), 409);
      await expectProblem(await alice.patch(`/rooms/${room}/members/1`, { role: 'moderator' }), 409);
      expect(await roles(room)).toEqual([[1, 'admin'], [2, 'member']]);
      await setRole(room, 2, 'admin');
      expect((await alice.patch(`/rooms/${room}/members/1`, { role: 'member' })).status).toBe(200);
      await expectProblem(await bruno.patch(`/rooms/${room}/members/2`, { role: 'member' }), 409);
      expect(await roles(room)).toEqual([[1, 'member'], [2, 'admin']]);
    });
  });

  describe('removing a member', () => {
    it('is done by admins and moderators, but a moderator cannot remove an admin', async () => {
      const room = await group([2, 3, 4]);
      await setRole(room, 2, 'moderator');
      await expectProblem(await bruno.delete(`/rooms/${room}/members/1`), 403);
      await expectProblem(await chloe.delete(`/rooms/${room}/members/4`), 403);
      expect(await roles(room)).toEqual([[1, 'admin'], [2, 'moderator'], [3, 'member'], [4, 'member']]);

      expect((await bruno.delete(`/rooms/${room}/members/4`)).status).toBe(204);
      expect((await alice.delete(`/rooms/${room}/members/2`)).status).toBe(204);
      expect(await roles(room)).toEqual([[1, 'admin'], [3, 'member']]);
      await expectProblem(await alice.delete(`/rooms/${room}/members/4`), 404);
    });

    it('takes the room away from the removed user', async () => {
      const room = await group([3]);
      await alice.post(`/rooms/${room}/messages`, { content: 'Avant le départ', clientId: 'rm-1' });
      expect((await alice.delete(`/rooms/${room}/members/3`)).status).toBe(204);
      await expectProblem(await chloe.get(`/rooms/${room}`), 404);
      await expectProblem(await chloe.get(`/rooms/${room}/messages`), 404);
      await expectProblem(await chloe.post(`/rooms/${room}/messages`, { content: 'Encore là ?', clientId: 'rm-2' }), 404);
      const rooms = await (await chloe.get('/rooms')).json();
      expect(rooms.map((r: { id: number }) => r.id)).not.toContain(room);
    });
  });

  describe('leaving', () => {
    it('is deleting my own membership', async () => {
      const room = await group([2, 3]);
      expect((await chloe.delete(`/rooms/${room}/members/3`)).status).toBe(204);
      await expectProblem(await chloe.get(`/rooms/${room}`), 404);
      expect(await roles(room)).toEqual([[1, 'admin'], [2, 'member']]);
    });

    it('hands the room to the longest-standing member when the last admin leaves', async () => {
      const room = await group([2, 3]);
      // Chloé (added with Bruno, but later in id order) has been there longest.
      await server.testDb.exec(
        dialect === 'mysql'
          ? 'UPDATE chat_room_members SET joined_at = UTC_TIMESTAMP() - INTERVAL 1 DAY WHERE room_id = ? AND user_id = 3'
          : "UPDATE chat_room_members SET joined_at = datetime('now', '-1 day') WHERE room_id = ? AND user_id = 3",
        [room],
      );
      expect((await alice.delete(`/rooms/${room}/members/1`)).status).toBe(204);
      expect(await roles(room, bruno)).toEqual([[2, 'member'], [3, 'admin']]);
      expect((await chloe.patch(`/rooms/${room}`, { name: 'Équipe de Chloé' })).status).toBe(200);
      await expectProblem(await alice.get(`/rooms/${room}`), 404);
    });

    it('keeps the other admins in charge when one of several admins leaves', async () => {
      const room = await group([2, 3]);
      await setRole(room, 3, 'admin');
      expect((await alice.delete(`/rooms/${room}/members/1`)).status).toBe(204);
      expect(await roles(room, chloe)).toEqual([[2, 'member'], [3, 'admin']]);
    });
  });

  describe('at the same time', () => {
    it('adds a user once when admins race to add them', async () => {
      const room = await group([2]);
      await setRole(room, 2, 'admin');
      const results = await Promise.all([alice, bruno, alice, bruno, alice].map((c) => c.post(`/rooms/${room}/members`, { userId: 3 })));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409]);
      expect(await roles(room)).toEqual([[1, 'admin'], [2, 'admin'], [3, 'member']]);
    });

    it('keeps an admin when two admins demote each other', async () => {
      const room = await group([2, 3]);
      await setRole(room, 2, 'admin');
      const results = await Promise.all([
        alice.patch(`/rooms/${room}/members/2`, { role: 'member' }),
        bruno.patch(`/rooms/${room}/members/1`, { role: 'member' }),
      ]);
      expect(results.map((r) => r.status).sort()).toContain(200);
      const admins = (await roles(room, chloe)).filter(([, role]) => role === 'admin');
      expect(admins).toHaveLength(1);
    });

    it('keeps an admin when every admin leaves at once', async () => {
      const room = await group([2, 3, 4]);
      await setRole(room, 2, 'admin');
      const results = await Promise.all([alice.delete(`/rooms/${room}/members/1`), bruno.delete(`/rooms/${room}/members/2`)]);
      expect(results.map((r) => r.status)).toEqual([204, 204]);
      expect(await roles(room, chloe)).toEqual([[3, 'admin'], [4, 'member']]);
    });
  });

  describe('a direct conversation', () => {
    const listed = async (client: Client, roomId: number) =>
      ((await (await client.get('/rooms')).json()) as { id: number }[]).some((r) => r.id === roomId);

    it('is hidden by leaving it, history kept, until a new message comes; the other person cannot be removed', async () => {
      const direct = (await (await chloe.post('/rooms', { type: 'direct', userId: 4 })).json()).id;
      await expectProblem(await chloe.delete(`/rooms/${direct}/members/4`), 409);
      await expectProblem(await chloe.patch(`/rooms/${direct}/members/4`, { role: 'admin' }), 409);
      expect((await roles(direct, chloe)).sort()).toEqual([[3, 'member'], [4, 'member']]);
      const first = await (await chloe.post(`/rooms/${direct}/messages`, { content: 'Bonjour David', clientId: 'hide-1' })).json();

      expect((await david.delete(`/rooms/${direct}/members/4`)).status).toBe(204);
      expect(await listed(david, direct)).toBe(false);
      // Still a member: both stay in it, and nothing is announced to Chloé.
      expect((await roles(direct, chloe)).sort()).toEqual([[3, 'member'], [4, 'member']]);
      expect(await listed(chloe, direct)).toBe(true);

      // Chloé writes again: the conversation is back in David's list, with its whole history and the new message unread.
      await chloe.post(`/rooms/${direct}/messages`, { content: 'Tu as vu mon message ?', clientId: 'hide-2' });
      const rooms = (await (await david.get('/rooms')).json()) as { id: number; unreadCount: number }[];
      expect(rooms.find((r) => r.id === direct)?.unreadCount).toBe(2);
      const page = await (await david.get(`/rooms/${direct}/messages`)).json();
      expect(page.messages.map((m: { id: number }) => m.id)[0]).toBe(first.id);
    });

    it('shows again when its member opens it, not when the other person does', async () => {
      const direct = (await (await alice.post('/rooms', { type: 'direct', userId: 4 })).json()).id;
      expect((await david.delete(`/rooms/${direct}/members/4`)).status).toBe(204);
      const byAlice = await alice.post('/rooms', { type: 'direct', userId: 4 });
      expect(byAlice.status).toBe(200);
      expect(await listed(david, direct)).toBe(false);
      const byDavid = await david.post('/rooms', { type: 'direct', userId: 1 });
      expect(byDavid.status).toBe(200);
      expect((await byDavid.json()).id).toBe(direct);
      expect(await listed(david, direct)).toBe(true);
    });
  });
});
