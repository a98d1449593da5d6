import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type Dialect, type TestDb } from './harness';
import { eventually, sleep, startInstance, type Instance } from './events-harness';

/*
 * Presence: someone is online while one of their feeds is open on any
 * instance; the people who share a room with them hear of it within 2 s, a
 * reload is not a flicker, and "vu à 14:32" survives them leaving.
 */
const setups: [string, Dialect, boolean][] = [['two instances with Redis on MariaDB', 'mysql', true], ['one instance on SQLite', 'sqlite', false]];

describe.each(setups)('presence, %s', (_, dialect, redis) => {
  let testDb: TestDb;
  let a: Instance;
  let b: Instance;
  let room: number;
  const prefix = `ipp-chat-test:${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    testDb = await createTestDb(dialect);
    const opts = redis ? { redisUrl: 'redis://127.0.0.1:6379', redisPrefix: prefix } : {};
    a = await startInstance(testDb, opts);
    b = redis ? await startInstance(testDb, opts) : a;
    room = (await a.call(1, 'POST', '/rooms', { type: 'direct', userId: 2 })).body.id;
  });
  afterEach(async () => {
    await eventually(() => a.hub.stats().subscribers + (b === a ? 0 : b.hub.stats().subscribers) === 0, 5000, 'every stream to be released');
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await testDb?.drop();
  });

  const memberOf = async (roomId: number, userId: number) =>
    ((await a.call(1, 'GET', `/rooms/${roomId}`)).body.members as { userId: number; online: boolean; lastSeenAt: string | null }[])
      .find((m) => m.userId === userId)!;

  it('shows someone online to their room mates, then offline since the time they left', async () => {
    const alice = await a.listen(1);
    expect((await memberOf(room, 2)).online).toBe(false);
    const bruno = await b.listen(2);
    const online = await alice.waitFor((e) => e.json.userId === 2, { timeout: 2000, presence: true });
    expect(online.json).toEqual({ userId: 2, online: true, lastSeenAt: null });
    expect(online.id).toBeUndefined();
    expect((await memberOf(room, 2)).online).toBe(true);
    // In the room list too, on a direct room's members, and in the directory.
    const listed = (await a.call(1, 'GET', '/rooms')).body.find((r: { id: number }) => r.id === room);
    expect(listed.members.find((m: { userId: number }) => m.userId === 2).online).toBe(true);
    expect((await a.call(1, 'GET', '/users?q=bruno')).body[0]).toMatchObject({ id: 2, online: true });

    const left = Date.now();
    bruno.close();
    const offline = await alice.waitFor((e) => e.json.userId === 2 && !e.json.online, { timeout: 2000, presence: true });
    expect(Date.now() - left).toBeLessThan(2000);
    expect(new Date(offline.json.lastSeenAt).getTime()).toBeGreaterThanOrEqual(left - 1000);
    const seen = await memberOf(room, 2);
    expect(seen).toMatchObject({ online: false, lastSeenAt: offline.json.lastSeenAt });
    alice.close();
  });

  it('takes a page reload for no change: nobody hears of it', async () => {
    const alice = await a.listen(1);
    const bruno = await b.listen(2);
    await alice.waitFor((e) => e.json.userId === 2 && e.json.online, { timeout: 2000, presence: true });
    const before = alice.presences.length;
    bruno.close();
    await sleep(150);
    // The next page opens its feed (on whichever instance) before the grace period is over.
    const again = await a.events(2);
    await sleep(1500);
    expect(alice.presences.slice(before)).toEqual([]);
    expect((await memberOf(room, 2)).online).toBe(true);
    again.close();
    alice.close();
    await eventually(async () => !(await memberOf(room, 2)).online, 3000, 'Bruno offline');
  });

  it('tells nobody who shares no room with them', async () => {
    const chloe = await a.listen(3);
    const bruno = await b.listen(2);
    await sleep(1200);
    expect(chloe.presences).toEqual([]);
    bruno.close();
    chloe.close();
  });
});
