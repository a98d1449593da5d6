import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Me } from '../../server/services/access';
import { KEPT_FROM, memberCounts, memberTally } from '../../server/services/member-counts';
import { addMember, removeMember } from '../../server/services/members';
import { getRoom, joinChannel, listRooms } from '../../server/services/rooms';
import { openDb, type Db } from '../../server/storage';
import { createTestDb, DIALECTS, USERS, type TestDb } from './harness';

/** Members written straight into the table, beyond the threshold from which counts are kept. */
const SEEDED = KEPT_FROM + 200;
const FIRST = 101;
const me = (id: number): Me => ({ id, name: `User ${id}`, perms: new Set(['chat.read', 'chat.create', 'chat.update', 'chat.delete', 'chat.manage_rooms']), exp: 0 } as Me);

/**
 * A big channel's member count is kept between answers and moved by the
 * room's member events: each answer still counts what was committed before
 * it, whichever server process made the change.
 */
describe.each(DIALECTS)('the member count of a big channel on %s', (dialect) => {
  let testDb: TestDb;
  let one: Db, two: Db;
  const ROOM = 1;
  const count = async (db: Db) => (await memberTally(db, ROOM)).memberCount;

  beforeAll(async () => {
    testDb = await createTestDb(dialect, [...USERS, ...Array.from({ length: SEEDED + 10 }, (_, i) => ({
      id: FIRST + i, username: `m${FIRST + i}`, full_name: `Membre ${FIRST + i}`, email: null, is_active: 1,
    }))]);
    await testDb.exec(`INSERT INTO chat_rooms (id, name, room_type, created_by_id, created_at) VALUES (${ROOM}, 'Annonces', 'channel', 1, CURRENT_TIMESTAMP)`);
    const rows = [`(${ROOM}, 1, 'admin', CURRENT_TIMESTAMP, NULL)`,
      ...Array.from({ length: SEEDED }, (_, i) => `(${ROOM}, ${FIRST + i}, 'member', CURRENT_TIMESTAMP, ${i % 2 ? 'NULL' : 5})`)];
    for (let i = 0; i < rows.length; i += 500) {
      await testDb.exec(`INSERT INTO chat_room_members (room_id, user_id, role, joined_at, last_read_message_id) VALUES ${rows.slice(i, i + 500).join(', ')}`);
    }
    const open = () => openDb(testDb.url, { usersTable: 'users', nameColumns: ['full_name', 'username'] });
    // SQLite is one process's file: its "other process" is the same handle.
    one = await open();
    two = dialect === 'mysql' ? await open() : one;
  });
  afterEach(() => vi.useRealTimers());
  afterAll(async () => {
    await Promise.all([one?.close(), two !== one && two?.close()]);
    await testDb?.drop();
  });

  it('counts what the chat changed, through any process, at once', async () => {
    expect(await count(one)).toBe(SEEDED + 1);
    // Bruno joins through the other process: the next answer of this one counts him.
    expect((await joinChannel(two, me(2), ROOM)).memberCount).toBe(SEEDED + 2);
    expect(await count(one)).toBe(SEEDED + 2);
    await addMember(one, me(1), ROOM, 3);
    await addMember(two, me(1), ROOM, 4);
    expect((await getRoom(one, me(1), ROOM)).memberCount).toBe(SEEDED + 4);
    await removeMember(two, me(2), ROOM, 2);
    await removeMember(one, me(1), ROOM, FIRST);
    expect(await count(one)).toBe(SEEDED + 2);
    expect(await count(two)).toBe(SEEDED + 2);
    expect((await listRooms(one, me(1), { filter: 'all' })).find((r) => r.id === ROOM)!.memberCount).toBe(SEEDED + 2);
    expect((await memberCounts(two, [ROOM])).get(ROOM)).toBe(SEEDED + 2);
    // Ten join at once: each answer counts at least those who joined before it, the last all ten.
    const joined = await Promise.all([5, ...Array.from({ length: 9 }, (_, i) => FIRST + SEEDED + i)].map((id) => joinChannel(id % 2 ? one : two, me(id), ROOM)));
    const counts = joined.map((r) => r.memberCount).sort((a, b) => a - b);
    counts.forEach((n, i) => expect(n).toBeGreaterThanOrEqual(SEEDED + 3 + i));
    expect(counts.at(-1)).toBe(SEEDED + 12);
    expect(await count(one)).toBe(SEEDED + 12);
  });

  it('tells the last message all have read from the read markers, not from the count', async () => {
    // Half the seeded members have read nothing.
    expect((await memberTally(one, ROOM)).allReadMessageId).toBeNull();
    await testDb.exec(`UPDATE chat_room_members SET last_read_message_id = 90 WHERE room_id = ${ROOM}`);
    await testDb.exec(`UPDATE chat_room_members SET last_read_message_id = NULL WHERE room_id = ${ROOM} AND user_id = ${FIRST + 7}`);
    expect((await memberTally(one, ROOM)).allReadMessageId).toBeNull();
    await testDb.exec(`UPDATE chat_room_members SET last_read_message_id = 80 WHERE room_id = ${ROOM} AND user_id = ${FIRST + 7}`);
    expect((await memberTally(one, ROOM)).allReadMessageId).toBe(80);
    expect((await memberTally(two, ROOM)).allReadMessageId).toBe(80);
  });

  it('is counted again within a minute of members leaving without an event (users deleted by the host)', async () => {
    const before = await count(one);
    await testDb.exec(`DELETE FROM chat_room_members WHERE room_id = ${ROOM} AND user_id BETWEEN ${FIRST + 10} AND ${FIRST + 19}`);
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    expect(await count(one)).toBe(before - 10);
    expect(await count(two)).toBe(before - 10);
  });
});
