import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, expectProblem, startServer, type Client, type TestServer } from './harness';
import type { MemberView as Member, RoomView as Room } from '../../server/services/views';

/** Users 6 to 300 ("Membre 0006"…), beside Alice, Bruno, Chloé, David and Eve. */
const EXTRA = Array.from({ length: 295 }, (_, i) => i + 6);
const ids = (members: Member[] = []) => members.map((m) => m.userId);

describe.each(DIALECTS)('a room of 250 members on %s', (dialect) => {
  let server: TestServer;
  let alice: Client, bruno: Client, outsider: Client;
  let room: Room;

  beforeAll(async () => {
    server = await startServer(dialect);
    await server.testDb.exec(`INSERT INTO users (id, username, full_name, email, is_active) VALUES ${EXTRA
      .map((id) => `(${id}, 'm${id}', 'Membre ${String(id).padStart(4, '0')}', 'm${id}@ipp.test', 1)`).join(', ')}`);
    [alice, bruno, outsider] = await Promise.all([1, 2, 299].map((id) => server.as(id)));
    // Alice, Bruno, Chloé, David and users 6 to 251: 250 members.
    const res = await alice.post('/rooms', { type: 'channel', name: 'Tout le monde', memberIds: [2, 3, 4, ...EXTRA.slice(0, 246)] });
    expect(res.status).toBe(201);
    room = await res.json();
  });
  afterAll(() => server?.close());

  it('is created with its member count and only its first 100 members, by user id', () => {
    expect(room.memberCount).toBe(250);
    expect(ids(room.members)).toEqual([1, 2, 3, 4, ...EXTRA.slice(0, 96)]);
    expect(room.members![0]).toMatchObject({ userId: 1, name: 'Alice Martin', role: 'admin' });
  });

  it('is answered by GET /rooms/:id the same way, and the list counts without listing', async () => {
    const got: Room = await (await bruno.get(`/rooms/${room.id}`)).json();
    expect(got.memberCount).toBe(250);
    expect(got.members).toHaveLength(100);
    expect(ids(got.members)).toEqual(ids(room.members));
    const listed: Room[] = await (await bruno.get('/rooms')).json();
    const mine = listed.find((r) => r.id === room.id)!;
    expect(mine.memberCount).toBe(250);
    expect(mine.members).toBeUndefined();
    const channels: Room[] = await (await outsider.get('/channels')).json();
    expect(channels.find((r) => r.id === room.id)).toMatchObject({ memberCount: 250, myRole: null });
  });

  it('pages its members by user id, after the last one seen', async () => {
    const first = await bruno.get(`/rooms/${room.id}/members`);
    expect(first.status).toBe(200);
    const one: { members: Member[]; hasMore: boolean } = await first.json();
    expect(one.hasMore).toBe(true);
    expect(ids(one.members)).toEqual(ids(room.members));
    const two: { members: Member[]; hasMore: boolean } = await (await bruno.get(`/rooms/${room.id}/members?after=${one.members.at(-1)!.userId}&limit=150`)).json();
    expect(two.hasMore).toBe(false);
    expect(ids(two.members)).toEqual(EXTRA.slice(96, 246));
    expect(two.members[0]).toMatchObject({ name: 'Membre 0102', role: 'member', lastReadMessageId: null, online: false });
    const all: { members: Member[]; hasMore: boolean } = await (await bruno.get(`/rooms/${room.id}/members?limit=500`)).json();
    expect(all).toMatchObject({ hasMore: false });
    expect(ids(all.members)).toEqual([...ids(one.members), ...ids(two.members)]);
    const small: { members: Member[]; hasMore: boolean } = await (await bruno.get(`/rooms/${room.id}/members?after=3&limit=1`)).json();
    expect(small).toMatchObject({ hasMore: true, members: [{ userId: 4 }] });
    const past: { members: Member[]; hasMore: boolean } = await (await bruno.get(`/rooms/${room.id}/members?after=100000`)).json();
    expect(past).toEqual({ members: [], hasMore: false });
  });

  it('finds members by name, and only members', async () => {
    const res = await bruno.get(`/rooms/${room.id}/members?q=${encodeURIComponent('membre 02')}`);
    const found: { members: Member[] } = await res.json();
    // Users 200 to 251 are members; 252 to 299 match too but are not.
    expect(ids(found.members)).toEqual(EXTRA.filter((id) => id >= 200 && id <= 251));
    const chloe: { members: Member[] } = await (await bruno.get(`/rooms/${room.id}/members?q=chlo`)).json();
    expect(chloe.members.map((m) => m.name)).toEqual(['Chloé Bernard']);
  });

  it('refuses bad paging and answers 404 to a non-member', async () => {
    for (const query of ['limit=0', 'limit=501', 'limit=abc', 'after=-1', 'after=x', 'q=']) {
      await expectProblem(await bruno.get(`/rooms/${room.id}/members?${query}`), 400);
    }
    await expectProblem(await outsider.get(`/rooms/${room.id}/members`), 404);
    await expectProblem(await bruno.get('/rooms/999999/members'), 404);
  });

  it('answers a join and an addition without every member', async () => {
    const joined = await outsider.post(`/rooms/${room.id}/join`);
    expect(joined.status).toBe(200);
    const view: Room = await joined.json();
    expect(view.memberCount).toBe(251);
    expect(view.members).toHaveLength(100);
    expect(view.myRole).toBe('member');
    const added = await alice.post(`/rooms/${room.id}/members`, { userId: 300 });
    expect(added.status).toBe(201);
    expect(await added.json()).toMatchObject({ userId: 300, role: 'member' });
    expect((await (await alice.get(`/rooms/${room.id}`)).json()).memberCount).toBe(252);
    const last: { members: Member[] } = await (await outsider.get(`/rooms/${room.id}/members?after=251`)).json();
    expect(ids(last.members)).toEqual([299, 300]);
    // The feed tells of each arrival with that member alone, and of the room with its own fields.
    const events = await server.testDb.exec('SELECT type, data FROM chat_events WHERE room_id = ? ORDER BY id', [room.id]);
    const arrivals = events.filter((e) => e.type === 'member.added').map((e) => JSON.parse(String(e.data)));
    expect(arrivals.map((d) => d.userId)).toEqual([299, 300]);
    expect(arrivals[0]).toMatchObject({ roomId: room.id, userId: 299, role: 'member' });
    expect(events.every((e) => !String(e.data).includes('"members"'))).toBe(true);
  });
});

describe.each(DIALECTS)('how far everyone has read, on %s', (dialect) => {
  let server: TestServer;
  let alice: Client, bruno: Client, chloe: Client;

  beforeAll(async () => {
    server = await startServer(dialect);
    [alice, bruno, chloe] = await Promise.all([1, 2, 3].map((id) => server.as(id)));
  });
  afterAll(() => server?.close());

  it('is the last message every member has read, null while one has read nothing', async () => {
    const room: Room = await (await alice.post('/rooms', { type: 'group', name: 'Lecture', memberIds: [2, 3] })).json();
    expect(room.allReadMessageId).toBeNull();
    const send = async (who: Client, content: string) =>
      (await (await who.post(`/rooms/${room.id}/messages`, { content, clientId: content })).json()).id as number;
    const first = await send(alice, 'un');
    const second = await send(bruno, 'deux');
    await chloe.post(`/rooms/${room.id}/read`, { messageId: first });
    // Alice read up to her message, Bruno to his, Chloé to the first.
    expect((await (await alice.get(`/rooms/${room.id}`)).json()).allReadMessageId).toBe(first);
    await chloe.post(`/rooms/${room.id}/read`, { messageId: second });
    await alice.post(`/rooms/${room.id}/read`, { messageId: second });
    expect((await (await bruno.get(`/rooms/${room.id}`)).json()).allReadMessageId).toBe(second);
    const listed: Room[] = await (await alice.get('/rooms')).json();
    expect(listed.find((r) => r.id === room.id)!.allReadMessageId).toBeUndefined();
  });
});
